-- pg_cursors and pg_prepared_statements list the session's cursors and prepared statements
begin;
declare c1 scroll cursor with hold for select 1;
declare c2 cursor for select 2;
prepare ps(int, text) as select $1, $2;
select name, statement, is_holdable, is_binary, is_scrollable, creation_time is not null from pg_cursors order by name;
select name, statement, prepare_time is not null, parameter_types, from_sql, generic_plans, custom_plans from pg_prepared_statements;
commit;
select name from pg_cursors;
