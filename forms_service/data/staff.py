"""Staff access: staff accounts and their sign-ins, API tokens for other systems, and the
audit log of every access to personal data."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, or_, select

from forms_service.clock import utcnow
from forms_service.data.database import Sessions
from forms_service.data.models import ApiToken, AuditEvent, StaffUser
from forms_service.tokens import hash_secret, new_token

API_TOKEN_LIFETIME = datetime.timedelta(days=90)  # unless the token is made with another


class StaffAccess:
    sessions: Sessions

    # -- staff -----------------------------------------------------------------------------

    def create_user(
        self,
        email: str,
        name: str,
        roles: str | Sequence[str],
        forms: list[str],
        password_hash: str | None,
    ) -> StaffUser:
        """A new member of staff with a role, or several (a list)."""
        with self.sessions.begin() as db:
            user = StaffUser(
                email=email.lower(),
                name=name,
                roles=[roles] if isinstance(roles, str) else list(roles),
                forms=list(forms),
                password_hash=password_hash,
                active=True,
                failed_sign_ins=0,
                created_at=utcnow(),
            )
            db.add(user)
        return user

    def user(self, user_id: int) -> StaffUser | None:
        with self.sessions() as db:
            return db.get(StaffUser, user_id)

    def user_by_email(self, email: str) -> StaffUser | None:
        with self.sessions() as db:
            return db.scalars(select(StaffUser).where(StaffUser.email == email.lower())).first()

    def users(self) -> list[StaffUser]:
        with self.sessions() as db:
            return list(db.scalars(select(StaffUser).order_by(StaffUser.email)))

    def update_user(self, user_id: int, **changes: Any) -> None:
        with self.sessions.begin() as db:
            user = db.get(StaffUser, user_id)
            for key, value in changes.items():
                setattr(user, key, value)

    def record_sign_in(
        self,
        user_id: int,
        ok: bool,
        now: datetime.datetime,
        max_failures: int,
        lock_for: datetime.timedelta,
    ) -> None:
        """Count failures; lock the account for a while after too many in a row."""
        with self.sessions.begin() as db:
            user = db.get(StaffUser, user_id, with_for_update=True)
            if ok:
                user.failed_sign_ins, user.locked_until, user.last_sign_in_at = 0, None, now
                return
            user.failed_sign_ins = (user.failed_sign_ins or 0) + 1
            if user.failed_sign_ins >= max_failures:
                user.locked_until, user.failed_sign_ins = now + lock_for, 0

    # -- audit log and API tokens -----------------------------------------------------------

    def audit(
        self,
        actor: str,
        action: str,
        target: str | None = None,
        ip: str | None = None,
        **detail: Any,
    ) -> None:
        with self.sessions.begin() as db:
            db.add(
                AuditEvent(
                    at=utcnow(), actor=actor, action=action, target=target, ip=ip, detail=detail
                )
            )

    def audit_events(self, offset: int = 0, limit: int = 100) -> tuple[list[AuditEvent], int]:
        with self.sessions() as db:
            total = db.scalar(select(func.count(AuditEvent.id))) or 0
            rows = db.scalars(
                select(AuditEvent).order_by(AuditEvent.id.desc()).offset(offset).limit(limit)
            ).all()
        return list(rows), total

    def issue_api_token(
        self, name: str, forms: list[str], valid_for: datetime.timedelta = API_TOKEN_LIFETIME
    ) -> str:
        """A new bearer token that reads `forms` until `valid_for` from now: returned once,
        only its hash is kept."""
        token = new_token()
        self.create_api_token(name, forms, hash_secret(token), utcnow() + valid_for)
        return token

    def create_api_token(
        self,
        name: str,
        forms: list[str],
        token_hash: str,
        expires_at: datetime.datetime | None = None,
    ) -> ApiToken:
        with self.sessions.begin() as db:
            token = ApiToken(
                name=name,
                forms=list(forms),
                token_hash=token_hash,
                created_at=utcnow(),
                expires_at=expires_at,
            )
            db.add(token)
        return token

    def api_token(self, token_hash: str) -> ApiToken | None:
        """The token with this hash if it may be used: not revoked, not expired."""
        now = utcnow()
        with self.sessions.begin() as db:
            token = db.scalars(
                select(ApiToken).where(
                    ApiToken.token_hash == token_hash,
                    ApiToken.revoked_at.is_(None),
                    or_(ApiToken.expires_at.is_(None), ApiToken.expires_at > now),
                )
            ).first()
            if token is not None:
                token.last_used_at = now
            return token

    def revoke_api_tokens(self, name_or_id: str) -> list[ApiToken]:
        """Revoke the usable token with this id (digits) or else this exact name; returns
        those revoked. Raises LookupError when none matches, and ValueError (revoking
        nothing) when the name fits several: then the id must be given."""
        now = utcnow()
        usable = (
            ApiToken.revoked_at.is_(None),
            or_(ApiToken.expires_at.is_(None), ApiToken.expires_at > now),
        )
        with self.sessions.begin() as db:
            found: list[ApiToken] = []
            if name_or_id.isdigit():
                found = list(
                    db.scalars(select(ApiToken).where(ApiToken.id == int(name_or_id), *usable))
                )
            if not found:
                found = list(
                    db.scalars(select(ApiToken).where(ApiToken.name == name_or_id, *usable))
                )
            if not found:
                raise LookupError(name_or_id)
            if len(found) > 1:
                ids = ", ".join(str(t.id) for t in sorted(found, key=lambda t: t.id))
                raise ValueError(ids)
            for token in found:
                token.revoked_at = now
            return found
