"""`manage.py db_roles`: the two PostgreSQL roles Kindred runs with, created idempotently.

- the **owner** role owns every table, sequence and function of Kindred's schema and runs
  `migrate`; nothing else connects as it;
- the **application** role, which the web and task processes connect as, owns nothing: it may
  read and write the ordinary tables, but on the audit table only SELECT and INSERT. Without
  ownership it can neither disable the audit triggers nor TRUNCATE, UPDATE or DELETE audit rows.

Run it as a superuser (`DATABASE_URL=postgres://postgres@.../kindred manage.py db_roles`):
before the first `migrate` (it creates the roles) and after every `migrate` (it hands new
objects to the owner and checks the application role's rights on the audit table). Running it
again changes nothing that is already right. Passwords come from KINDRED_DB_OWNER_PASSWORD and
KINDRED_DB_APP_PASSWORD when set (never from the command line, which other users can see).
"""

import os
import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from kindred.audit.models import AuditEvent

ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
# Extensions Kindred's migrations create: made here, as the superuser, so the owner needs no
# right to create extensions.
EXTENSIONS = ["pg_trgm"]
ROLE_ATTRIBUTES = "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS"
APP_TABLE_RIGHTS = "SELECT, INSERT, UPDATE, DELETE"
APP_AUDIT_RIGHTS = {"SELECT", "INSERT"}
REFUSED_AUDIT_RIGHTS = ["UPDATE", "DELETE", "TRUNCATE", "TRIGGER", "REFERENCES"]
# Tables, views, materialized views, foreign tables and sequences that no column owns (a
# serial or identity column's sequence follows its table); extension members are left alone.
RELATIONS = """
SELECT c.relname, c.relkind, pg_get_userbyid(c.relowner)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = %s AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
  AND NOT EXISTS (
      SELECT 1 FROM pg_depend d
      WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('e', 'a', 'i')
  )
ORDER BY c.relname
"""
ROUTINES = """
SELECT p.oid::regprocedure::text, pg_get_userbyid(p.proowner)
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname = %s AND p.prokind IN ('f', 'p', 'w')
  AND NOT EXISTS (
      SELECT 1 FROM pg_depend d
      WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
  )
ORDER BY 1
"""
ALTER_RELATION = {
    "r": "TABLE",
    "p": "TABLE",
    "f": "FOREIGN TABLE",
    "v": "VIEW",
    "m": "MATERIALIZED VIEW",
    "S": "SEQUENCE",
}


class Command(BaseCommand):
    help = (
        "Create or repair the PostgreSQL owner role (owns the tables, runs migrate) and "
        "application role (owns nothing; only SELECT and INSERT on the audit table). Run as a "
        "superuser, before the first migrate and after every migrate."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--owner", default="kindred_owner", help="Owner role's name.")
        parser.add_argument("--app", default="kindred_app", help="Application role's name.")

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError(
                "db_roles sets up PostgreSQL roles; this database is not PostgreSQL."
            )
        owner, app = options["owner"], options["app"]
        for name in (owner, app):
            if not ROLE_NAME.match(name):
                raise CommandError(
                    f"{name!r} is not a plain role name (lower-case letters, digits, _)."
                )
        if owner == app:
            raise CommandError("The owner and application roles must be two different roles.")
        with transaction.atomic(), connection.cursor() as cursor:
            setup = RoleSetup(cursor, owner=owner, app=app, out=self.stdout.write)
            setup.run()
        self.stdout.write(
            f"Roles ready in database {connection.settings_dict['NAME']!r}: run `migrate` as "
            f"{owner}, Kindred as {app}, and this command again after every migrate."
        )


class RoleSetup:
    def __init__(self, cursor: Any, *, owner: str, app: str, out: Any) -> None:
        self.cursor, self.owner, self.app, self.out = cursor, owner, app, out
        self.q_owner, self.q_app = connection.ops.quote_name(owner), connection.ops.quote_name(app)

    def execute(self, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        self.cursor.execute(sql, params)
        return self.cursor.fetchall() if self.cursor.description else []

    def run(self) -> None:
        me, superuser = self.execute(
            "SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user"
        )[0]
        if not superuser:
            raise CommandError(
                f"db_roles needs a superuser connection (connected as {me!r}): it creates "
                "roles and hands the tables to the owner role."
            )
        if me in (self.owner, self.app):
            raise CommandError(f"Run db_roles as a superuser other than {me!r}.")
        database = self.execute("SELECT current_database()")[0][0]
        schema = self.execute("SELECT current_schema()")[0][0]
        q_database = connection.ops.quote_name(database)
        q_schema = connection.ops.quote_name(schema)

        for role, variable in ((self.owner, "OWNER"), (self.app, "APP")):
            self.ensure_role(role, os.environ.get(f"KINDRED_DB_{variable}_PASSWORD", ""))
        # The application role must not inherit the owner's rights.
        if self.execute(
            "SELECT 1 FROM pg_auth_members WHERE roleid = to_regrole(%s) AND member = to_regrole(%s)",
            [self.owner, self.app],
        ):
            self.execute(f"REVOKE {self.q_owner} FROM {self.q_app}")
            self.out(f"  {self.app} is no longer a member of {self.owner}")
        for extension in EXTENSIONS:
            self.execute(f"CREATE EXTENSION IF NOT EXISTS {extension}")

        # A database's or schema's owner may drop any table in it: neither may be the app role.
        if self.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s AND datdba = to_regrole(%s)",
            [database, self.app],
        ):
            self.execute(f"ALTER DATABASE {q_database} OWNER TO {self.q_owner}")
            self.out(f"  database {database} now owned by {self.owner}")
        if self.execute(
            "SELECT 1 FROM pg_namespace WHERE nspname = %s AND nspowner = to_regrole(%s)",
            [schema, self.app],
        ):
            self.execute(f"ALTER SCHEMA {q_schema} OWNER TO {self.q_owner}")
            self.out(f"  schema {schema} now owned by {self.owner}")
        self.execute(
            f"GRANT CONNECT, TEMPORARY ON DATABASE {q_database} TO {self.q_owner}, {self.q_app}"
        )
        self.execute(f"REVOKE CREATE ON SCHEMA {q_schema} FROM PUBLIC")
        self.execute(f"GRANT USAGE, CREATE ON SCHEMA {q_schema} TO {self.q_owner}")
        self.execute(f"REVOKE CREATE ON SCHEMA {q_schema} FROM {self.q_app}")
        self.execute(f"GRANT USAGE ON SCHEMA {q_schema} TO {self.q_app}")

        moved = self.hand_objects_to_owner(schema)
        if moved:
            self.out(f"  {moved} object(s) of schema {schema} now owned by {self.owner}")

        # The application role: ordinary rights on every table, now and for those that later
        # migrations (run as the owner) create; never the rights that reach past the rows.
        self.execute(f"GRANT {APP_TABLE_RIGHTS} ON ALL TABLES IN SCHEMA {q_schema} TO {self.q_app}")
        self.execute(
            f"REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA {q_schema} FROM {self.q_app}"
        )
        self.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {q_schema} TO {self.q_app}")
        self.execute(
            f"ALTER DEFAULT PRIVILEGES FOR ROLE {self.q_owner} IN SCHEMA {q_schema} "
            f"GRANT {APP_TABLE_RIGHTS} ON TABLES TO {self.q_app}"
        )
        self.execute(
            f"ALTER DEFAULT PRIVILEGES FOR ROLE {self.q_owner} IN SCHEMA {q_schema} "
            f"GRANT USAGE, SELECT ON SEQUENCES TO {self.q_app}"
        )
        audit_table = AuditEvent._meta.db_table
        if self.execute("SELECT to_regclass(%s)", [f"{q_schema}.{audit_table}"])[0][0]:
            self.restrict_audit_table(f"{q_schema}.{connection.ops.quote_name(audit_table)}")
        else:
            self.out(
                f"  {audit_table} does not exist yet: run migrate as {self.owner}, then this again"
            )

    def ensure_role(self, role: str, password: str) -> None:
        quoted = connection.ops.quote_name(role)
        if self.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role]):
            self.execute(f"ALTER ROLE {quoted} {ROLE_ATTRIBUTES}")
        else:
            self.execute(f"CREATE ROLE {quoted} {ROLE_ATTRIBUTES}")
            self.out(f"  role {role} created")
        if password:
            self.execute(f"ALTER ROLE {quoted} PASSWORD %s", [password])

    def hand_objects_to_owner(self, schema: str) -> int:
        moved = 0
        for name, kind, current in self.execute(RELATIONS, [schema]):
            if current != self.owner:
                qualified = f"{connection.ops.quote_name(schema)}.{connection.ops.quote_name(name)}"
                self.execute(f"ALTER {ALTER_RELATION[kind]} {qualified} OWNER TO {self.q_owner}")
                moved += 1
        # A trigger function's owner could replace it with one that lets everything through.
        for signature, current in self.execute(ROUTINES, [schema]):
            if current != self.owner:
                self.execute(f"ALTER ROUTINE {signature} OWNER TO {self.q_owner}")
                moved += 1
        return moved

    def restrict_audit_table(self, table: str) -> None:
        self.execute(f"REVOKE ALL ON {table} FROM PUBLIC")
        self.execute(f"REVOKE ALL ON {table} FROM {self.q_app}")
        self.execute(f"GRANT {', '.join(sorted(APP_AUDIT_RIGHTS))} ON {table} TO {self.q_app}")
        # Checked, not assumed: a right reached through another role or a column grant counts.
        wrong = [
            right
            for right in REFUSED_AUDIT_RIGHTS
            if self.execute("SELECT has_table_privilege(%s, %s, %s)", [self.app, table, right])[0][
                0
            ]
        ]
        for right in ("UPDATE", "REFERENCES"):
            if (
                self.execute(
                    "SELECT has_any_column_privilege(%s, %s, %s)", [self.app, table, right]
                )[0][0]
                and right not in wrong
            ):
                wrong.append(f"{right} (on a column)")
        missing = [
            right
            for right in sorted(APP_AUDIT_RIGHTS)
            if not self.execute("SELECT has_table_privilege(%s, %s, %s)", [self.app, table, right])[
                0
            ][0]
        ]
        if self.execute(
            "SELECT pg_has_role(%s, relowner, 'USAGE') FROM pg_class WHERE oid = %s::regclass",
            [self.app, table],
        )[0][0]:
            wrong.append("ownership (through a role it belongs to)")
        if wrong or missing:
            raise CommandError(
                f"{self.app} would still have {', '.join(wrong) or 'no extra right'} and lack "
                f"{', '.join(missing) or 'nothing'} on the audit table: check the roles it "
                "belongs to (\\du in psql) and the grants to PUBLIC."
            )
        self.out(f"  {self.app}: SELECT and INSERT only on the audit table")
