-- lexer errors at the end of input: an unterminated block comment
SELECT 1 AS ok;
SELECT 2 /* unterminated /* nested */ comment;
