-- lexer errors at the end of input: an unterminated quoted identifier
SELECT 1 AS ok;
SELECT "unterminated identifier FROM t;
