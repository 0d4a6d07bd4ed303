"""Unified social credit code (统一社会信用代码) check character.

A code has 18 characters: registration-authority code (1), organisation-type code (1),
administrative-division code (6), organisation code (9) and one check character.
The alphabet has 31 characters: the digits and the capital letters without I, O, S,
V and Z.

References
----------
.. [1] GB 32100-2015 《法人和其他组织统一社会信用代码编码规则》, clause 4 (structure)
   and clause 5 / Annex B (check character, modulus 31).
"""

from __future__ import annotations

from dataclasses import dataclass

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
#: Position weights W_i = 3^(i-1) mod 31 for i = 1..17 (GB 32100-2015, Annex B).
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))


@dataclass(frozen=True)
class UsccCheck:
    """Result of :func:`check_uscc`.

    Attributes
    ----------
    valid : bool
        True when the code is well formed and its check character is right.
    normalized : str
        The code in upper case without surrounding blanks.
    message : str
        Chinese explanation when ``valid`` is False, else empty.
    """

    valid: bool
    normalized: str
    message: str = ""


def check_character(first17: str) -> str:
    """Check character of the first 17 characters of a unified social credit code.

    Parameters
    ----------
    first17 : str
        The first 17 characters [-], each in :data:`ALPHABET`.

    Returns
    -------
    str
        The 18th character [-].

    Notes
    -----
    .. math:: C_{18} = 31 - \\left(\\sum_{i=1}^{17} C_i W_i \\bmod 31\\right),

    with :math:`W_i = 3^{i-1} \\bmod 31`, and :math:`C_{18} = 0` when the result is 31
    (GB 32100-2015, Annex B).
    """
    if len(first17) != 17:
        raise ValueError("需要 17 位本体代码")
    total = 0
    for ch, weight in zip(first17, WEIGHTS, strict=True):
        if ch not in _VALUE:
            raise ValueError(f"字符“{ch}”不在统一社会信用代码字符集中")
        total += _VALUE[ch] * weight
    return ALPHABET[(31 - total % 31) % 31]


def check_uscc(code: str) -> UsccCheck:
    """Validate a unified social credit code against GB 32100-2015.

    Parameters
    ----------
    code : str
        The code as entered [-]; blanks around it and lower case are tolerated.

    Returns
    -------
    UsccCheck
        Whether it is valid, the normalised code and, if invalid, why (in Chinese).

    References
    ----------
    GB 32100-2015, clauses 4 and 5, Annex B.
    """
    normalized = (code or "").strip().upper()
    if len(normalized) != 18:
        return UsccCheck(False, normalized, f"统一社会信用代码应为18位，实际为{len(normalized)}位")
    for pos, ch in enumerate(normalized, start=1):
        if ch not in _VALUE:
            return UsccCheck(False, normalized, f"第{pos}位字符“{ch}”不合法（不得使用I、O、S、V、Z）")
    expected = check_character(normalized[:17])
    if normalized[17] != expected:
        return UsccCheck(False, normalized, f"校验码错误：第18位应为“{expected}”，实际为“{normalized[17]}”")
    return UsccCheck(True, normalized)
