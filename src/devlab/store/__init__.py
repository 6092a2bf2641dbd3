from devlab.store.models import Base

__all__ = ["Base"]
