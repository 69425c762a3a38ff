"""The warehouse: the embedded PostgreSQL server and connections to whichever server is configured."""
from .connection import WarehouseTarget, resolve_target

__all__ = ["WarehouseTarget", "resolve_target"]
