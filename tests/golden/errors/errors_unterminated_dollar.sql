-- lexer errors at the end of input: an unterminated dollar-quoted string
SELECT $$ok$$;
SELECT $tag$unterminated $$ dollar quote;
