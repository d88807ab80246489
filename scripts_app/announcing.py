"""How scripts_app tells other apps exactly what a write changed, in the write's own transaction.

Derived data (the dashboard's counters and per-day rollup) must change with
the rows it is derived from: both commit, or neither does. So every write of
a model with receivers runs its receivers inside its transaction: save()
opens one when there is none, and the bulk writes below do the same.

Bulk writes send no per-row signal in Django. For them the queryset itself
reads the tracked fields of the rows it is about to change (locking them, so
no concurrent writer can change them in between), writes, reads them again,
and announces each row's (before, after) through scripts_app.signals.rows_changed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from django.db import models, router, transaction
from django.db.models.signals import post_delete, post_save

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
        """The tracked fields as the database stores them (a start given as text is
        saved as the instant it names, so it is read as one here too)."""
        meta = self._meta
        return {name: meta.get_field(name).to_python(self.__dict__.get(name)) for name in self.tracked_fields}

    @classmethod
    def stored_state(cls, pk: Any, using: str) -> State | None:
        """The tracked fields of row `pk` as the database holds them now (locked
        until the transaction ends, where the database can), or None if absent."""
        rows = cls._base_manager.using(using).filter(pk=pk).values(*cls.tracked_fields)
        if transaction.get_connection(using).in_atomic_block:
            rows = rows.select_for_update()
        return rows.first()


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
                changes = [(None, obj.current_state()) for obj in created]
                rows_changed.send(sender=self.model, changes=changes, using=self.db)
        return created

    def delete(self) -> tuple[int, dict[str, int]]:
        # A model with delete receivers gets a post_delete per row from Django;
        # one without has its rows deleted in one statement, announced here.
        if (
            post_delete.has_listeners(self.model)
            or not rows_changed.has_listeners(self.model)
            or self.query.is_sliced
            or self.query.distinct
            or self._fields is not None
        ):
            return super().delete()  # (which refuses the last three)
        with transaction.atomic(using=self.db, savepoint=False):
            before = self._locked_states()
            total, per_model = 0, {}
            for chunk in _chunks(list(before)):
                count, counts = models.QuerySet.delete(self._by_pk(chunk))
                total += count
                for label, number in counts.items():
                    per_model[label] = per_model.get(label, 0) + number
            if before:
                changes = [(state, None) for state in before.values()]
                rows_changed.send(sender=self.model, changes=changes, using=self.db)
        return total, per_model

    delete.alters_data = True
    delete.queryset_only = True

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
        return {row.pop("pk"): row for row in rows}

    def _by_pk(self, pks: list[Any]) -> models.QuerySet:
        return self.model._base_manager.using(self.db).filter(pk__in=pks)

    def _states_of(self, pks: list[Any]) -> dict[Any, State]:
        states = {}
        for chunk in _chunks(pks):
            for row in self._by_pk(chunk).values("pk", *self.model.tracked_fields):
                states[row.pop("pk")] = row
        return states


def _chunks(items: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]
