"""URL path converters shared by every app (registered in CoreConfig.ready)."""


class IdConverter:
    """A database id in a URL: ``<id:pk>``.

    Like Django's ``int``, but at most 18 digits (ids up to 10^18 - 1, far beyond any this
    database will hand out), so a number no 64-bit primary key can hold is a 404 at URL
    resolution instead of reaching the database (where SQLite cannot even bind it).
    """

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)
