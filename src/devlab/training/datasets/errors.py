"""Errors of the dataset builder::

InvalidInput (422)
+-- UnknownKind (400)        a kind, operator or augmentation that does not exist
NotFound (404)
+-- DatasetNotFound (404)    no dataset with that id, name or name@version
"""

from __future__ import annotations

from devlab.errors import InvalidInput, NotFound


class UnknownKind(InvalidInput):
    """An unknown example kind (or operator, augmentation): the message lists the known ones."""

    status_code = 400


class DatasetNotFound(NotFound):
    pass


__all__ = ["DatasetNotFound", "UnknownKind"]
