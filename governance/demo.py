"""Demo records of the management system (filled in with the demo layer)."""


def load_demo(users: dict) -> int:
    return 0
