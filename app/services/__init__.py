"""Business logic, one module per capability. Never imports PySide6."""
