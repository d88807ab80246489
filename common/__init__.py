"""What both apps share, below both of them: the REST API's permissions, pagination and ids
(api.py), how a request answers when the database refuses it or is away (errors.py), the
admin's long lists (admin_lists.py) and deleting old rows in batches (pruning.py).

It imports neither app, so scripts_app and dashboard_app can both use it without an arrow
running back up to workflow_project, the package that puts them together.
"""
