"""Masking of personal data for display: phones, names (ID numbers: db.identity.mask_id_number).

Every object shows masked values; whole phones only through `phoneFull` (personal_data.py).
"""

from __future__ import annotations


def mask_phone(phone: str | None) -> str | None:
    """"13812345678" -> "138****5678"; numbers shorter than 8 keep only their last two digits."""
    if phone is None:
        return None
    digits = phone.strip()
    if len(digits) >= 8:
        return f"{digits[:3]}{'*' * (len(digits) - 7)}{digits[-4:]}"
    if len(digits) > 2:
        return "*" * (len(digits) - 2) + digits[-2:]
    return "*" * len(digits)


def mask_name(name: str) -> str:
    """"张三" -> "张*", "欧阳娜娜" -> "欧***": the first character and one asterisk per other one."""
    name = name.strip()
    return name[:1] + "*" * (len(name) - 1) if len(name) > 1 else "*" * len(name)
