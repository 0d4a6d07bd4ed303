"""The one type for errors a user caused (用户错误).

A :class:`UserError` carries a Chinese message and, where it concerns a file, the
file name, row and column. It is shown the same way everywhere:

- pages: a message above the form (:func:`carbonpeak.core.views` helpers, or the
  view catches it and adds it to the form or to ``messages``);
- the JSON API: HTTP 400 (or 422 for row errors) with ``{"detail": message,
  "errors": [{"row", "column", "message"}]}`` (registered in ``site/api.py``);
- the CLI: the message on stderr and exit status 2 (``carbonpeak.cli``).

Each app's specific errors subclass it (``PlanImportError(UserError)``...).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RowError:
    """One bad cell or row of an imported table: 第N行「列」：原因."""

    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = f"第{self.row}行" if self.row is not None else ""
        if self.column:
            where += f"「{self.column}」"
        return f"{where}：{self.message}" if where else self.message

    def as_dict(self) -> dict[str, object]:
        return {"row": self.row, "column": self.column, "message": self.message}


class UserError(Exception):
    """An error the user caused and can fix; ``message`` is Chinese and says how."""

    status_code = 400

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
        errors: list[RowError] | None = None,
    ) -> None:
        self.message = message
        self.file = file
        self.row = row
        self.column = column
        self.errors = list(errors or [])
        super().__init__(str(self))

    def __str__(self) -> str:
        prefix = f"{self.file}：" if self.file else ""
        if self.row is not None or self.column:
            return prefix + str(RowError(self.row, self.column, self.message))
        return prefix + self.message

    def as_dict(self) -> dict[str, object]:
        """The documented JSON error body of the API."""
        return {"detail": str(self), "errors": [e.as_dict() for e in self.errors]}


class TableError(UserError):
    """An imported table had bad rows; ``errors`` lists every one of them."""

    status_code = 422

    def __init__(self, errors: list[RowError], *, file: str | None = None) -> None:
        shown = "；".join(str(e) for e in errors[:5])
        more = f"（另有 {len(errors) - 5} 处）" if len(errors) > 5 else ""
        super().__init__(
            f"表格有 {len(errors)} 处错误，未写入任何数据：{shown}{more}", file=file, errors=errors
        )
