"""SQLSTATE codes, generated from PostgreSQL 15's errcodes.txt by tools/gen_errcodes.py.

Do not edit by hand."""

CODES = {
    'successful_completion': '00000',
    'warning': '01000',
    'dynamic_result_sets_returned': '0100C',
    'implicit_zero_bit_padding': '01008',
    'null_value_eliminated_in_set_function': '01003',
    'privilege_not_granted': '01007',
    'privilege_not_revoked': '01006',
    'string_data_right_truncation': '01004',
    'deprecated_feature': '01P01',
    'no_data': '02000',
    'no_additional_dynamic_result_sets_returned': '02001',
    'sql_statement_not_yet_complete': '03000',
    'connection_exception': '08000',
    'connection_does_not_exist': '08003',
    'connection_failure': '08006',
    'sqlclient_unable_to_establish_sqlconnection': '08001',
    'sqlserver_rejected_establishment_of_sqlconnection': '08004',
    'transaction_resolution_unknown': '08007',
    'protocol_violation': '08P01',
    'triggered_action_exception': '09000',
    'feature_not_supported': '0A000',
    'invalid_transaction_initiation': '0B000',
    'locator_exception': '0F000',
    'invalid_locator_specification': '0F001',
    'invalid_grantor': '0L000',
    'invalid_grant_operation': '0LP01',
    'invalid_role_specification': '0P000',
    'diagnostics_exception': '0Z000',
    'stacked_diagnostics_accessed_without_active_handler': '0Z002',
    'case_not_found': '20000',
    'cardinality_violation': '21000',
    'data_exception': '22000',
    'array_subscript_error': '2202E',
    'character_not_in_repertoire': '22021',
    'datetime_field_overflow': '22008',
    'division_by_zero': '22012',
    'error_in_assignment': '22005',
    'escape_character_conflict': '2200B',
    'indicator_overflow': '22022',
    'interval_field_overflow': '22015',
    'invalid_argument_for_logarithm': '2201E',
    'invalid_argument_for_ntile_function': '22014',
    'invalid_argument_for_nth_value_function': '22016',
    'invalid_argument_for_power_function': '2201F',
    'invalid_argument_for_width_bucket_function': '2201G',
    'invalid_character_value_for_cast': '22018',
    'invalid_datetime_format': '22007',
    'invalid_escape_character': '22019',
    'invalid_escape_octet': '2200D',
    'invalid_escape_sequence': '22025',
    'nonstandard_use_of_escape_character': '22P06',
    'invalid_indicator_parameter_value': '22010',
    'invalid_parameter_value': '22023',
    'invalid_preceding_or_following_size': '22013',
    'invalid_regular_expression': '2201B',
    'invalid_row_count_in_limit_clause': '2201W',
    'invalid_row_count_in_result_offset_clause': '2201X',
    'invalid_tablesample_argument': '2202H',
    'invalid_tablesample_repeat': '2202G',
    'invalid_time_zone_displacement_value': '22009',
    'invalid_use_of_escape_character': '2200C',
    'most_specific_type_mismatch': '2200G',
    'null_value_not_allowed': '22004',
    'null_value_no_indicator_parameter': '22002',
    'numeric_value_out_of_range': '22003',
    'sequence_generator_limit_exceeded': '2200H',
    'string_data_length_mismatch': '22026',
    'string_data_right_truncation': '22001',
    'substring_error': '22011',
    'trim_error': '22027',
    'unterminated_c_string': '22024',
    'zero_length_character_string': '2200F',
    'floating_point_exception': '22P01',
    'invalid_text_representation': '22P02',
    'invalid_binary_representation': '22P03',
    'bad_copy_file_format': '22P04',
    'untranslatable_character': '22P05',
    'not_an_xml_document': '2200L',
    'invalid_xml_document': '2200M',
    'invalid_xml_content': '2200N',
    'invalid_xml_comment': '2200S',
    'invalid_xml_processing_instruction': '2200T',
    'duplicate_json_object_key_value': '22030',
    'invalid_argument_for_sql_json_datetime_function': '22031',
    'invalid_json_text': '22032',
    'invalid_sql_json_subscript': '22033',
    'more_than_one_sql_json_item': '22034',
    'no_sql_json_item': '22035',
    'non_numeric_sql_json_item': '22036',
    'non_unique_keys_in_a_json_object': '22037',
    'singleton_sql_json_item_required': '22038',
    'sql_json_array_not_found': '22039',
    'sql_json_member_not_found': '2203A',
    'sql_json_number_not_found': '2203B',
    'sql_json_object_not_found': '2203C',
    'too_many_json_array_elements': '2203D',
    'too_many_json_object_members': '2203E',
    'sql_json_scalar_required': '2203F',
    'sql_json_item_cannot_be_cast_to_target_type': '2203G',
    'integrity_constraint_violation': '23000',
    'restrict_violation': '23001',
    'not_null_violation': '23502',
    'foreign_key_violation': '23503',
    'unique_violation': '23505',
    'check_violation': '23514',
    'exclusion_violation': '23P01',
    'invalid_cursor_state': '24000',
    'invalid_transaction_state': '25000',
    'active_sql_transaction': '25001',
    'branch_transaction_already_active': '25002',
    'held_cursor_requires_same_isolation_level': '25008',
    'inappropriate_access_mode_for_branch_transaction': '25003',
    'inappropriate_isolation_level_for_branch_transaction': '25004',
    'no_active_sql_transaction_for_branch_transaction': '25005',
    'read_only_sql_transaction': '25006',
    'schema_and_data_statement_mixing_not_supported': '25007',
    'no_active_sql_transaction': '25P01',
    'in_failed_sql_transaction': '25P02',
    'idle_in_transaction_session_timeout': '25P03',
    'invalid_sql_statement_name': '26000',
    'triggered_data_change_violation': '27000',
    'invalid_authorization_specification': '28000',
    'invalid_password': '28P01',
    'dependent_privilege_descriptors_still_exist': '2B000',
    'dependent_objects_still_exist': '2BP01',
    'invalid_transaction_termination': '2D000',
    'sql_routine_exception': '2F000',
    'function_executed_no_return_statement': '2F005',
    'modifying_sql_data_not_permitted': '2F002',
    'prohibited_sql_statement_attempted': '2F003',
    'reading_sql_data_not_permitted': '2F004',
    'invalid_cursor_name': '34000',
    'external_routine_exception': '38000',
    'containing_sql_not_permitted': '38001',
    'modifying_sql_data_not_permitted': '38002',
    'prohibited_sql_statement_attempted': '38003',
    'reading_sql_data_not_permitted': '38004',
    'external_routine_invocation_exception': '39000',
    'invalid_sqlstate_returned': '39001',
    'null_value_not_allowed': '39004',
    'trigger_protocol_violated': '39P01',
    'srf_protocol_violated': '39P02',
    'event_trigger_protocol_violated': '39P03',
    'savepoint_exception': '3B000',
    'invalid_savepoint_specification': '3B001',
    'invalid_catalog_name': '3D000',
    'invalid_schema_name': '3F000',
    'transaction_rollback': '40000',
    'transaction_integrity_constraint_violation': '40002',
    'serialization_failure': '40001',
    'statement_completion_unknown': '40003',
    'deadlock_detected': '40P01',
    'syntax_error_or_access_rule_violation': '42000',
    'syntax_error': '42601',
    'insufficient_privilege': '42501',
    'cannot_coerce': '42846',
    'grouping_error': '42803',
    'windowing_error': '42P20',
    'invalid_recursion': '42P19',
    'invalid_foreign_key': '42830',
    'invalid_name': '42602',
    'name_too_long': '42622',
    'reserved_name': '42939',
    'datatype_mismatch': '42804',
    'indeterminate_datatype': '42P18',
    'collation_mismatch': '42P21',
    'indeterminate_collation': '42P22',
    'wrong_object_type': '42809',
    'generated_always': '428C9',
    'undefined_column': '42703',
    'undefined_function': '42883',
    'undefined_table': '42P01',
    'undefined_parameter': '42P02',
    'undefined_object': '42704',
    'duplicate_column': '42701',
    'duplicate_cursor': '42P03',
    'duplicate_database': '42P04',
    'duplicate_function': '42723',
    'duplicate_prepared_statement': '42P05',
    'duplicate_schema': '42P06',
    'duplicate_table': '42P07',
    'duplicate_alias': '42712',
    'duplicate_object': '42710',
    'ambiguous_column': '42702',
    'ambiguous_function': '42725',
    'ambiguous_parameter': '42P08',
    'ambiguous_alias': '42P09',
    'invalid_column_reference': '42P10',
    'invalid_column_definition': '42611',
    'invalid_cursor_definition': '42P11',
    'invalid_database_definition': '42P12',
    'invalid_function_definition': '42P13',
    'invalid_prepared_statement_definition': '42P14',
    'invalid_schema_definition': '42P15',
    'invalid_table_definition': '42P16',
    'invalid_object_definition': '42P17',
    'with_check_option_violation': '44000',
    'insufficient_resources': '53000',
    'disk_full': '53100',
    'out_of_memory': '53200',
    'too_many_connections': '53300',
    'configuration_limit_exceeded': '53400',
    'program_limit_exceeded': '54000',
    'statement_too_complex': '54001',
    'too_many_columns': '54011',
    'too_many_arguments': '54023',
    'object_not_in_prerequisite_state': '55000',
    'object_in_use': '55006',
    'cant_change_runtime_param': '55P02',
    'lock_not_available': '55P03',
    'unsafe_new_enum_value_usage': '55P04',
    'operator_intervention': '57000',
    'query_canceled': '57014',
    'admin_shutdown': '57P01',
    'crash_shutdown': '57P02',
    'cannot_connect_now': '57P03',
    'database_dropped': '57P04',
    'idle_session_timeout': '57P05',
    'system_error': '58000',
    'io_error': '58030',
    'undefined_file': '58P01',
    'duplicate_file': '58P02',
    'snapshot_too_old': '72000',
    'config_file_error': 'F0000',
    'lock_file_exists': 'F0001',
    'fdw_error': 'HV000',
    'fdw_column_name_not_found': 'HV005',
    'fdw_dynamic_parameter_value_needed': 'HV002',
    'fdw_function_sequence_error': 'HV010',
    'fdw_inconsistent_descriptor_information': 'HV021',
    'fdw_invalid_attribute_value': 'HV024',
    'fdw_invalid_column_name': 'HV007',
    'fdw_invalid_column_number': 'HV008',
    'fdw_invalid_data_type': 'HV004',
    'fdw_invalid_data_type_descriptors': 'HV006',
    'fdw_invalid_descriptor_field_identifier': 'HV091',
    'fdw_invalid_handle': 'HV00B',
    'fdw_invalid_option_index': 'HV00C',
    'fdw_invalid_option_name': 'HV00D',
    'fdw_invalid_string_length_or_buffer_length': 'HV090',
    'fdw_invalid_string_format': 'HV00A',
    'fdw_invalid_use_of_null_pointer': 'HV009',
    'fdw_too_many_handles': 'HV014',
    'fdw_out_of_memory': 'HV001',
    'fdw_no_schemas': 'HV00P',
    'fdw_option_name_not_found': 'HV00J',
    'fdw_reply_handle': 'HV00K',
    'fdw_schema_not_found': 'HV00Q',
    'fdw_table_not_found': 'HV00R',
    'fdw_unable_to_create_execution': 'HV00L',
    'fdw_unable_to_create_reply': 'HV00M',
    'fdw_unable_to_establish_connection': 'HV00N',
    'plpgsql_error': 'P0000',
    'raise_exception': 'P0001',
    'no_data_found': 'P0002',
    'too_many_rows': 'P0003',
    'assert_failure': 'P0004',
    'internal_error': 'XX000',
    'data_corrupted': 'XX001',
    'index_corrupted': 'XX002',
}

SUCCESSFUL_COMPLETION = '00000'
WARNING = '01000'
DYNAMIC_RESULT_SETS_RETURNED = '0100C'
IMPLICIT_ZERO_BIT_PADDING = '01008'
NULL_VALUE_ELIMINATED_IN_SET_FUNCTION = '01003'
PRIVILEGE_NOT_GRANTED = '01007'
PRIVILEGE_NOT_REVOKED = '01006'
STRING_DATA_RIGHT_TRUNCATION = '01004'
DEPRECATED_FEATURE = '01P01'
NO_DATA = '02000'
NO_ADDITIONAL_DYNAMIC_RESULT_SETS_RETURNED = '02001'
SQL_STATEMENT_NOT_YET_COMPLETE = '03000'
CONNECTION_EXCEPTION = '08000'
CONNECTION_DOES_NOT_EXIST = '08003'
CONNECTION_FAILURE = '08006'
SQLCLIENT_UNABLE_TO_ESTABLISH_SQLCONNECTION = '08001'
SQLSERVER_REJECTED_ESTABLISHMENT_OF_SQLCONNECTION = '08004'
TRANSACTION_RESOLUTION_UNKNOWN = '08007'
PROTOCOL_VIOLATION = '08P01'
TRIGGERED_ACTION_EXCEPTION = '09000'
FEATURE_NOT_SUPPORTED = '0A000'
INVALID_TRANSACTION_INITIATION = '0B000'
LOCATOR_EXCEPTION = '0F000'
INVALID_LOCATOR_SPECIFICATION = '0F001'
INVALID_GRANTOR = '0L000'
INVALID_GRANT_OPERATION = '0LP01'
INVALID_ROLE_SPECIFICATION = '0P000'
DIAGNOSTICS_EXCEPTION = '0Z000'
STACKED_DIAGNOSTICS_ACCESSED_WITHOUT_ACTIVE_HANDLER = '0Z002'
CASE_NOT_FOUND = '20000'
CARDINALITY_VIOLATION = '21000'
DATA_EXCEPTION = '22000'
ARRAY_SUBSCRIPT_ERROR = '2202E'
CHARACTER_NOT_IN_REPERTOIRE = '22021'
DATETIME_FIELD_OVERFLOW = '22008'
DIVISION_BY_ZERO = '22012'
ERROR_IN_ASSIGNMENT = '22005'
ESCAPE_CHARACTER_CONFLICT = '2200B'
INDICATOR_OVERFLOW = '22022'
INTERVAL_FIELD_OVERFLOW = '22015'
INVALID_ARGUMENT_FOR_LOGARITHM = '2201E'
INVALID_ARGUMENT_FOR_NTILE_FUNCTION = '22014'
INVALID_ARGUMENT_FOR_NTH_VALUE_FUNCTION = '22016'
INVALID_ARGUMENT_FOR_POWER_FUNCTION = '2201F'
INVALID_ARGUMENT_FOR_WIDTH_BUCKET_FUNCTION = '2201G'
INVALID_CHARACTER_VALUE_FOR_CAST = '22018'
INVALID_DATETIME_FORMAT = '22007'
INVALID_ESCAPE_CHARACTER = '22019'
INVALID_ESCAPE_OCTET = '2200D'
INVALID_ESCAPE_SEQUENCE = '22025'
NONSTANDARD_USE_OF_ESCAPE_CHARACTER = '22P06'
INVALID_INDICATOR_PARAMETER_VALUE = '22010'
INVALID_PARAMETER_VALUE = '22023'
INVALID_PRECEDING_OR_FOLLOWING_SIZE = '22013'
INVALID_REGULAR_EXPRESSION = '2201B'
INVALID_ROW_COUNT_IN_LIMIT_CLAUSE = '2201W'
INVALID_ROW_COUNT_IN_RESULT_OFFSET_CLAUSE = '2201X'
INVALID_TABLESAMPLE_ARGUMENT = '2202H'
INVALID_TABLESAMPLE_REPEAT = '2202G'
INVALID_TIME_ZONE_DISPLACEMENT_VALUE = '22009'
INVALID_USE_OF_ESCAPE_CHARACTER = '2200C'
MOST_SPECIFIC_TYPE_MISMATCH = '2200G'
NULL_VALUE_NOT_ALLOWED = '22004'
NULL_VALUE_NO_INDICATOR_PARAMETER = '22002'
NUMERIC_VALUE_OUT_OF_RANGE = '22003'
SEQUENCE_GENERATOR_LIMIT_EXCEEDED = '2200H'
STRING_DATA_LENGTH_MISMATCH = '22026'
SUBSTRING_ERROR = '22011'
TRIM_ERROR = '22027'
UNTERMINATED_C_STRING = '22024'
ZERO_LENGTH_CHARACTER_STRING = '2200F'
FLOATING_POINT_EXCEPTION = '22P01'
INVALID_TEXT_REPRESENTATION = '22P02'
INVALID_BINARY_REPRESENTATION = '22P03'
BAD_COPY_FILE_FORMAT = '22P04'
UNTRANSLATABLE_CHARACTER = '22P05'
NOT_AN_XML_DOCUMENT = '2200L'
INVALID_XML_DOCUMENT = '2200M'
INVALID_XML_CONTENT = '2200N'
INVALID_XML_COMMENT = '2200S'
INVALID_XML_PROCESSING_INSTRUCTION = '2200T'
DUPLICATE_JSON_OBJECT_KEY_VALUE = '22030'
INVALID_ARGUMENT_FOR_SQL_JSON_DATETIME_FUNCTION = '22031'
INVALID_JSON_TEXT = '22032'
INVALID_SQL_JSON_SUBSCRIPT = '22033'
MORE_THAN_ONE_SQL_JSON_ITEM = '22034'
NO_SQL_JSON_ITEM = '22035'
NON_NUMERIC_SQL_JSON_ITEM = '22036'
NON_UNIQUE_KEYS_IN_A_JSON_OBJECT = '22037'
SINGLETON_SQL_JSON_ITEM_REQUIRED = '22038'
SQL_JSON_ARRAY_NOT_FOUND = '22039'
SQL_JSON_MEMBER_NOT_FOUND = '2203A'
SQL_JSON_NUMBER_NOT_FOUND = '2203B'
SQL_JSON_OBJECT_NOT_FOUND = '2203C'
TOO_MANY_JSON_ARRAY_ELEMENTS = '2203D'
TOO_MANY_JSON_OBJECT_MEMBERS = '2203E'
SQL_JSON_SCALAR_REQUIRED = '2203F'
SQL_JSON_ITEM_CANNOT_BE_CAST_TO_TARGET_TYPE = '2203G'
INTEGRITY_CONSTRAINT_VIOLATION = '23000'
RESTRICT_VIOLATION = '23001'
NOT_NULL_VIOLATION = '23502'
FOREIGN_KEY_VIOLATION = '23503'
UNIQUE_VIOLATION = '23505'
CHECK_VIOLATION = '23514'
EXCLUSION_VIOLATION = '23P01'
INVALID_CURSOR_STATE = '24000'
INVALID_TRANSACTION_STATE = '25000'
ACTIVE_SQL_TRANSACTION = '25001'
BRANCH_TRANSACTION_ALREADY_ACTIVE = '25002'
HELD_CURSOR_REQUIRES_SAME_ISOLATION_LEVEL = '25008'
INAPPROPRIATE_ACCESS_MODE_FOR_BRANCH_TRANSACTION = '25003'
INAPPROPRIATE_ISOLATION_LEVEL_FOR_BRANCH_TRANSACTION = '25004'
NO_ACTIVE_SQL_TRANSACTION_FOR_BRANCH_TRANSACTION = '25005'
READ_ONLY_SQL_TRANSACTION = '25006'
SCHEMA_AND_DATA_STATEMENT_MIXING_NOT_SUPPORTED = '25007'
NO_ACTIVE_SQL_TRANSACTION = '25P01'
IN_FAILED_SQL_TRANSACTION = '25P02'
IDLE_IN_TRANSACTION_SESSION_TIMEOUT = '25P03'
INVALID_SQL_STATEMENT_NAME = '26000'
TRIGGERED_DATA_CHANGE_VIOLATION = '27000'
INVALID_AUTHORIZATION_SPECIFICATION = '28000'
INVALID_PASSWORD = '28P01'
DEPENDENT_PRIVILEGE_DESCRIPTORS_STILL_EXIST = '2B000'
DEPENDENT_OBJECTS_STILL_EXIST = '2BP01'
INVALID_TRANSACTION_TERMINATION = '2D000'
SQL_ROUTINE_EXCEPTION = '2F000'
FUNCTION_EXECUTED_NO_RETURN_STATEMENT = '2F005'
MODIFYING_SQL_DATA_NOT_PERMITTED = '2F002'
PROHIBITED_SQL_STATEMENT_ATTEMPTED = '2F003'
READING_SQL_DATA_NOT_PERMITTED = '2F004'
INVALID_CURSOR_NAME = '34000'
EXTERNAL_ROUTINE_EXCEPTION = '38000'
CONTAINING_SQL_NOT_PERMITTED = '38001'
EXTERNAL_ROUTINE_INVOCATION_EXCEPTION = '39000'
INVALID_SQLSTATE_RETURNED = '39001'
TRIGGER_PROTOCOL_VIOLATED = '39P01'
SRF_PROTOCOL_VIOLATED = '39P02'
EVENT_TRIGGER_PROTOCOL_VIOLATED = '39P03'
SAVEPOINT_EXCEPTION = '3B000'
INVALID_SAVEPOINT_SPECIFICATION = '3B001'
INVALID_CATALOG_NAME = '3D000'
INVALID_SCHEMA_NAME = '3F000'
TRANSACTION_ROLLBACK = '40000'
TRANSACTION_INTEGRITY_CONSTRAINT_VIOLATION = '40002'
SERIALIZATION_FAILURE = '40001'
STATEMENT_COMPLETION_UNKNOWN = '40003'
DEADLOCK_DETECTED = '40P01'
SYNTAX_ERROR_OR_ACCESS_RULE_VIOLATION = '42000'
SYNTAX_ERROR = '42601'
INSUFFICIENT_PRIVILEGE = '42501'
CANNOT_COERCE = '42846'
GROUPING_ERROR = '42803'
WINDOWING_ERROR = '42P20'
INVALID_RECURSION = '42P19'
INVALID_FOREIGN_KEY = '42830'
INVALID_NAME = '42602'
NAME_TOO_LONG = '42622'
RESERVED_NAME = '42939'
DATATYPE_MISMATCH = '42804'
INDETERMINATE_DATATYPE = '42P18'
COLLATION_MISMATCH = '42P21'
INDETERMINATE_COLLATION = '42P22'
WRONG_OBJECT_TYPE = '42809'
GENERATED_ALWAYS = '428C9'
UNDEFINED_COLUMN = '42703'
UNDEFINED_FUNCTION = '42883'
UNDEFINED_TABLE = '42P01'
UNDEFINED_PARAMETER = '42P02'
UNDEFINED_OBJECT = '42704'
DUPLICATE_COLUMN = '42701'
DUPLICATE_CURSOR = '42P03'
DUPLICATE_DATABASE = '42P04'
DUPLICATE_FUNCTION = '42723'
DUPLICATE_PREPARED_STATEMENT = '42P05'
DUPLICATE_SCHEMA = '42P06'
DUPLICATE_TABLE = '42P07'
DUPLICATE_ALIAS = '42712'
DUPLICATE_OBJECT = '42710'
AMBIGUOUS_COLUMN = '42702'
AMBIGUOUS_FUNCTION = '42725'
AMBIGUOUS_PARAMETER = '42P08'
AMBIGUOUS_ALIAS = '42P09'
INVALID_COLUMN_REFERENCE = '42P10'
INVALID_COLUMN_DEFINITION = '42611'
INVALID_CURSOR_DEFINITION = '42P11'
INVALID_DATABASE_DEFINITION = '42P12'
INVALID_FUNCTION_DEFINITION = '42P13'
INVALID_PREPARED_STATEMENT_DEFINITION = '42P14'
INVALID_SCHEMA_DEFINITION = '42P15'
INVALID_TABLE_DEFINITION = '42P16'
INVALID_OBJECT_DEFINITION = '42P17'
WITH_CHECK_OPTION_VIOLATION = '44000'
INSUFFICIENT_RESOURCES = '53000'
DISK_FULL = '53100'
OUT_OF_MEMORY = '53200'
TOO_MANY_CONNECTIONS = '53300'
CONFIGURATION_LIMIT_EXCEEDED = '53400'
PROGRAM_LIMIT_EXCEEDED = '54000'
STATEMENT_TOO_COMPLEX = '54001'
TOO_MANY_COLUMNS = '54011'
TOO_MANY_ARGUMENTS = '54023'
OBJECT_NOT_IN_PREREQUISITE_STATE = '55000'
OBJECT_IN_USE = '55006'
CANT_CHANGE_RUNTIME_PARAM = '55P02'
LOCK_NOT_AVAILABLE = '55P03'
UNSAFE_NEW_ENUM_VALUE_USAGE = '55P04'
OPERATOR_INTERVENTION = '57000'
QUERY_CANCELED = '57014'
ADMIN_SHUTDOWN = '57P01'
CRASH_SHUTDOWN = '57P02'
CANNOT_CONNECT_NOW = '57P03'
DATABASE_DROPPED = '57P04'
IDLE_SESSION_TIMEOUT = '57P05'
SYSTEM_ERROR = '58000'
IO_ERROR = '58030'
UNDEFINED_FILE = '58P01'
DUPLICATE_FILE = '58P02'
SNAPSHOT_TOO_OLD = '72000'
CONFIG_FILE_ERROR = 'F0000'
LOCK_FILE_EXISTS = 'F0001'
FDW_ERROR = 'HV000'
FDW_COLUMN_NAME_NOT_FOUND = 'HV005'
FDW_DYNAMIC_PARAMETER_VALUE_NEEDED = 'HV002'
FDW_FUNCTION_SEQUENCE_ERROR = 'HV010'
FDW_INCONSISTENT_DESCRIPTOR_INFORMATION = 'HV021'
FDW_INVALID_ATTRIBUTE_VALUE = 'HV024'
FDW_INVALID_COLUMN_NAME = 'HV007'
FDW_INVALID_COLUMN_NUMBER = 'HV008'
FDW_INVALID_DATA_TYPE = 'HV004'
FDW_INVALID_DATA_TYPE_DESCRIPTORS = 'HV006'
FDW_INVALID_DESCRIPTOR_FIELD_IDENTIFIER = 'HV091'
FDW_INVALID_HANDLE = 'HV00B'
FDW_INVALID_OPTION_INDEX = 'HV00C'
FDW_INVALID_OPTION_NAME = 'HV00D'
FDW_INVALID_STRING_LENGTH_OR_BUFFER_LENGTH = 'HV090'
FDW_INVALID_STRING_FORMAT = 'HV00A'
FDW_INVALID_USE_OF_NULL_POINTER = 'HV009'
FDW_TOO_MANY_HANDLES = 'HV014'
FDW_OUT_OF_MEMORY = 'HV001'
FDW_NO_SCHEMAS = 'HV00P'
FDW_OPTION_NAME_NOT_FOUND = 'HV00J'
FDW_REPLY_HANDLE = 'HV00K'
FDW_SCHEMA_NOT_FOUND = 'HV00Q'
FDW_TABLE_NOT_FOUND = 'HV00R'
FDW_UNABLE_TO_CREATE_EXECUTION = 'HV00L'
FDW_UNABLE_TO_CREATE_REPLY = 'HV00M'
FDW_UNABLE_TO_ESTABLISH_CONNECTION = 'HV00N'
PLPGSQL_ERROR = 'P0000'
RAISE_EXCEPTION = 'P0001'
NO_DATA_FOUND = 'P0002'
TOO_MANY_ROWS = 'P0003'
ASSERT_FAILURE = 'P0004'
INTERNAL_ERROR = 'XX000'
DATA_CORRUPTED = 'XX001'
INDEX_CORRUPTED = 'XX002'
