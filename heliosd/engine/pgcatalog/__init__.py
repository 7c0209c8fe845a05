"""pg_catalog and information_schema relations (see heliosd.engine.syscat).

Modules: ``_base`` (registration, row makers, ACL text), ``_pgdefs``
(generated: PostgreSQL 15's relation shapes and built-in rows), ``builtin``
(pg_proc, pg_operator, pg_type's built-in part, access methods, opclasses,
collations, languages, extensions, casts), ``relations`` (the branch's
schema: pg_namespace, pg_class, pg_attribute, pg_type, pg_index,
pg_constraint, pg_attrdef, pg_description, pg_depend, pg_rewrite,
pg_sequence, pg_init_privs), ``system`` (roles, databases, settings,
activity, locks), ``views`` (pg_tables, pg_views, pg_indexes, pg_sequences,
statistics views), ``infoschema`` (information_schema), ``_text`` and
``viewdef`` (stored SQL -> PostgreSQL's deparsed text), ``acl`` and ``sizes``
(has_*_privilege and pg_*_size helpers).
"""
