-- prepared statements re-plan after DDL; a changed row type is 0A000 "cached plan must not change result type"
create table pc(a int, b int);
insert into pc values (1,2);
prepare q1 as select * from pc;
execute q1;
alter table pc add column c int;
execute q1;
prepare q2 as select a from pc;
alter table pc alter column b type text;
execute q2;
drop table pc;
execute q2;
-- a domain over an array type is stored as its base type
create domain num_array numeric[];
create table dtest (num num_array);
insert into dtest values ('{1,2.5}');
select * from dtest;
-- +/-infinity survive storage
create table inf(d date, t timestamp, tz timestamptz);
insert into inf values ('infinity','infinity','infinity'),('-infinity','-infinity','-infinity'),('2024-01-01','2024-01-01 10:00','2024-01-01 10:00+00');
select * from inf order by d;
select d = 'infinity', isfinite(d), isfinite(t), t > '2024-06-01', tz < '2024-06-01' from inf order by d;
-- quoted, schema-qualified type names (asyncpg's mogrify)
select 1::"pg_catalog"."int4", '{1}'::"pg_catalog"."_int4", 'x'::"text", 2::pg_catalog."int8";
select 1::"pg_catalog"."nosuch";
