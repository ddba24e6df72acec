"""The wire enums. Each member is also the ``str`` it is sent as, so plain strings work
wherever a member does (``"LIGHTWEIGHT"``, ``"h5"``), in any ASCII case."""

from __future__ import annotations

import enum
from typing import Optional

__all__ = ["BidType", "Platform", "SubjectType", "CertType"]


class _WireEnum(str, enum.Enum):
    """A ``str``-valued enum whose ``str()`` is the wire value."""

    def __str__(self) -> str:
        return str(self.value)

    @classmethod
    def _missing_(cls, value: object) -> Optional["_WireEnum"]:
        if isinstance(value, str):
            for member in cls:
                if member.value.lower() == value.lower():
                    return member
        return None


class BidType(_WireEnum):
    """The reseller's type, sent as ``BidType``.

    The Query API's table spells the parameter ``bidType``; Alibaba's own SDK for Crm
    2015-04-08 sends ``BidType``, and so does bidcert.
    """

    #: A standard (BID service) reseller.
    NORMAL = "NORMAL"
    #: A lightweight reseller.
    LIGHTWEIGHT = "LIGHTWEIGHT"


class Platform(_WireEnum):
    """Where the verification link will be opened, sent as ``Platform``."""

    #: A computer browser.
    PC = "pc"
    #: A mobile web (H5) page.
    H5 = "h5"
    #: An app.
    APP = "app"


class SubjectType(_WireEnum):
    """Which verifications the link allows, sent as ``SubjectType``."""

    #: Individual and enterprise.
    ALL = "all"
    #: Individual only.
    PERSONAL = "personal"
    #: Enterprise only.
    ENTERPRISE = "enterprise"


_CERT_CODES = {"ID": "0", "BUSINESS": "9", "ORGANIZATION_CODE": "12", "INSTITUTION_LEGAL_PERSON": "13"}


class CertType(_WireEnum):
    """The certificate a verified customer presented (``certType``). A code not in the API
    document is reported as the raw code string instead, never an error."""

    #: ``"0"``: identity card.
    ID = "ID"
    #: ``"9"``: business licence.
    BUSINESS = "BUSINESS"
    #: ``"12"``: organization code certificate.
    ORGANIZATION_CODE = "ORGANIZATION_CODE"
    #: ``"13"``: public institution legal person certificate.
    INSTITUTION_LEGAL_PERSON = "INSTITUTION_LEGAL_PERSON"

    @property
    def code(self) -> str:
        """The wire code (``"0"``, ``"9"``, ``"12"``, ``"13"``)."""
        return _CERT_CODES[self.value]
