"""RunSQL for one database vendor: the rollup's triggers are written once per database.

Not a migration (the loader skips modules whose names start with "_"): an operation that
migrations import. It only decides *whether* its fixed SQL runs, never what the SQL says.
"""

from django.db import migrations


class RunSQLOn(migrations.RunSQL):
    def __init__(self, vendor: str, sql, reverse_sql=None, **kwargs) -> None:
        self.vendor = vendor
        super().__init__(sql, reverse_sql, **kwargs)

    def deconstruct(self):
        name, args, kwargs = super().deconstruct()
        return name, [self.vendor, *args], kwargs

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_backwards(app_label, schema_editor, from_state, to_state)

    def describe(self) -> str:
        return f"Raw SQL operation on {self.vendor}"
