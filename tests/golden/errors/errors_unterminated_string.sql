-- lexer errors at the end of input: an unterminated literal swallows the rest of the text
SELECT 'before' AS ok;
SELECT 'unterminated string;
