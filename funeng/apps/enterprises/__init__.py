"""The registry: enterprises with official codes and derived classes, access, import/export, background imports."""
