-- Extra objects whose stored expressions must be shown the way PostgreSQL deparses them.
CREATE SCHEMA billing;
CREATE TABLE billing.invoices (
  id serial PRIMARY KEY,
  amount numeric(12,2) NOT NULL DEFAULT 0 CHECK (amount >= 0),
  tax numeric DEFAULT 0.25,
  currency char(3) DEFAULT 'EUR',
  code text DEFAULT 'a''b',
  big bigint DEFAULT -1,
  ratio float8 DEFAULT 1.5,
  flag boolean DEFAULT false,
  tags text[] DEFAULT '{}',
  meta jsonb DEFAULT '{"a": 1}'::jsonb,
  issued date DEFAULT CURRENT_DATE,
  created timestamptz DEFAULT now(),
  lower_code text,
  status varchar(10) DEFAULT 'open',
  CONSTRAINT status_ok CHECK (status IN ('open', 'paid', 'void')),
  CONSTRAINT positive_tax CHECK (tax IS NULL OR tax > 0 AND tax < 1),
  UNIQUE (code, currency)
);
CREATE INDEX inv_lower ON billing.invoices (lower(code));
CREATE INDEX inv_expr ON billing.invoices ((amount * 2), status DESC NULLS LAST) WHERE NOT flag;
CREATE UNIQUE INDEX inv_partial ON billing.invoices (big) WHERE status::text = 'paid';
CREATE TABLE billing.lines (
  invoice_id int REFERENCES billing.invoices (id) ON UPDATE CASCADE ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED,
  n int NOT NULL CHECK (n > 0),
  PRIMARY KEY (invoice_id, n)
);
COMMENT ON TABLE billing.invoices IS 'customer invoices';
COMMENT ON COLUMN billing.invoices.amount IS 'gross amount';
CREATE VIEW billing.v_open AS
  SELECT i.id AS invoice, i.amount * 2 AS double_amount, l.n, i.status
  FROM billing.invoices i JOIN billing.lines l ON l.invoice_id = i.id LEFT JOIN public.projects p ON p.id = l.n
  WHERE i.status IN ('open', 'paid') AND NOT i.flag
  ORDER BY 1 DESC LIMIT 10;
