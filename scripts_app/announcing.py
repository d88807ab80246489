"""How scripts_app tells other apps what a write of scripts changed. Scripts only: runs need
no announcing, because triggers in the database count every write of them (README, "How a
write reaches the counters").

Django's post_save carries no "before". TracksSavedState remembers the tracked fields as last
read from or written to the database, so a receiver can tell what a save changed without
another query, and save() runs inside a transaction whenever someone listens, so that what
the receivers schedule commits with the write or not at all.

Bulk writes (QuerySet.update(), bulk_create(), bulk_update()) send no per-row signal in
Django (a QuerySet.delete() of scripts does: their post_delete receivers make Django delete
them row by row). For them AnnouncingQuerySet reads the tracked
fields of the rows it is about to change (locking them, so that no concurrent writer can
change them in between), writes, reads them again, and announces each row's (before, after)
through scripts_app.signals.rows_changed, inside the write's transaction. The dashboard
listens, and marks stale the counters such a write can move (total and inactive scripts).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from django.db import models, router, transaction
from django.db.models.signals import post_save

from scripts_app.signals import rows_changed

# Rows per statement when a bulk write is replayed by primary key: well below
# SQLite's limit on query parameters, large enough to cost few round trips.
CHUNK = 500

State = dict[str, Any]


class TracksSavedState(models.Model):
    """Remembers `tracked_fields` as last read from or written to the database.

    Receivers of post_save compare it with the new values to learn what a
    save changed without querying again. It is None when unknown: for an
    instance built in Python, or one loaded with a tracked field deferred.
    """

    tracked_fields: ClassVar[tuple[str, ...]] = ()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if post_save.has_listeners(type(self)):
            using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
            # savepoint=False: inside a caller's transaction this costs nothing.
            with transaction.atomic(using=using, savepoint=False):
                super().save(*args, **kwargs)
        else:
            super().save(*args, **kwargs)
        self._remember_saved_state()

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._remember_saved_state()
        return instance

    def _remember_saved_state(self) -> None:
        deferred = self.get_deferred_fields()
        if any(name in deferred for name in self.tracked_fields):
            self._saved_state = None
        else:
            self._saved_state = {name: self.__dict__[name] for name in self.tracked_fields}

    @property
    def saved_state(self) -> State | None:
        return getattr(self, "_saved_state", None)

    def current_state(self) -> State:
        """The tracked fields as the database stores them (a value given in another type,
        such as text, is read as the field saves it)."""
        meta = self._meta
        return {name: meta.get_field(name).to_python(self.__dict__.get(name)) for name in self.tracked_fields}


class AnnouncingQuerySet(models.QuerySet):
    """Announces bulk writes row by row through scripts_app.signals.rows_changed.

    bulk_update() needs no override: it writes through update().
    """

    def update(self, **kwargs: Any) -> int:
        if self.query.is_sliced or not self._tracks(kwargs) or not rows_changed.has_listeners(self.model):
            return super().update(**kwargs)  # (which refuses a sliced queryset)
        with transaction.atomic(using=self.db, savepoint=False):
            before = self._locked_states()
            updated = sum(
                models.QuerySet.update(self._by_pk(chunk), **kwargs) for chunk in _chunks(list(before))
            )
            after = self._states_of(list(before))
            changes = [(state, after.get(pk)) for pk, state in before.items()]
            rows_changed.send(sender=self.model, changes=changes, using=self.db)
        return updated

    def bulk_create(self, objs, *args: Any, **kwargs: Any):
        if not rows_changed.has_listeners(self.model):
            return super().bulk_create(objs, *args, **kwargs)
        with transaction.atomic(using=self.db, savepoint=False):
            created = super().bulk_create(objs, *args, **kwargs)
            if kwargs.get("ignore_conflicts") or kwargs.get("update_conflicts"):
                # Which rows were inserted, and what a conflict overwrote, is not known.
                rows_changed.send(sender=self.model, changes=None, using=self.db)
            elif created:
                changes = [(None, {"pk": obj.pk, **obj.current_state()}) for obj in created]
                rows_changed.send(sender=self.model, changes=changes, using=self.db)
        return created

    # ------------------------------------------------------------ helpers

    def _tracks(self, kwargs: dict[str, Any]) -> bool:
        names = set()
        for name in kwargs:
            field = self.model._meta.get_field(name)
            names |= {field.name, field.attname}
        return bool(names & set(self.model.tracked_fields))

    def _locked_states(self) -> dict[Any, State]:
        """The tracked fields of every row this queryset matches, locked in primary-key order."""
        rows = self.order_by("pk").select_for_update(of=("self",)).values("pk", *self.model.tracked_fields)
        return {row["pk"]: row for row in rows}

    def _by_pk(self, pks: list[Any]) -> models.QuerySet:
        return self.model._base_manager.using(self.db).filter(pk__in=pks)

    def _states_of(self, pks: list[Any]) -> dict[Any, State]:
        states = {}
        for chunk in _chunks(pks):
            for row in self._by_pk(chunk).values("pk", *self.model.tracked_fields):
                states[row["pk"]] = row
        return states


def _chunks(items: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]
