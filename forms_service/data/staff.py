"""Staff access: staff accounts and their sign-ins, API tokens for other systems, and the
audit log of every access to personal data."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, func, or_, select, update

from forms_service.clock import as_utc, utcnow
from forms_service.data.database import Sessions
from forms_service.data.models import (
    ApiToken,
    AuditEvent,
    RecoveryCode,
    StaffInvite,
    StaffUser,
)
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

    def record_sign_in(self, user_id: int, now: datetime.datetime) -> None:
        """A complete sign-in (password and, if asked, second factor): failures forgiven."""
        with self.sessions.begin() as db:
            db.execute(
                update(StaffUser)
                .where(StaffUser.id == user_id)
                .values(failed_sign_ins=0, locked_until=None, last_sign_in_at=now)
            )

    def record_failed_sign_in(
        self,
        user_id: int,
        now: datetime.datetime,
        max_failures: int,
        first_delay: datetime.timedelta,
        longest_delay: datetime.timedelta,
    ) -> None:
        """Count a wrong password or security code. From the max_failures-th in a row on,
        sign-ins wait first_delay, doubled for each further failure, up to longest_delay:
        a guesser is slowed down, but nobody can keep the owner out for long."""
        with self.sessions.begin() as db:
            # One atomic increment (it also takes the row's write lock), so parallel
            # guesses are each counted.
            db.execute(
                update(StaffUser)
                .where(StaffUser.id == user_id)
                .values(failed_sign_ins=func.coalesce(StaffUser.failed_sign_ins, 0) + 1)
            )
            failures = db.scalar(select(StaffUser.failed_sign_ins).where(StaffUser.id == user_id))
            if failures is None or failures < max_failures:
                return
            doublings = min(failures - max_failures, 30)  # 2**30 s is past any sane cap
            delay = min(first_delay * 2**doublings, longest_delay)
            db.execute(
                update(StaffUser).where(StaffUser.id == user_id).values(locked_until=now + delay)
            )

    # -- invites: a new member of staff sets their own password -------------------------------

    def issue_staff_invite(
        self, user_id: int, token_hash: str, now: datetime.datetime, expires_at: datetime.datetime
    ) -> None:
        """Keep a new invite link's hash; the person's earlier unused links stop working."""
        with self.sessions.begin() as db:
            db.execute(
                update(StaffInvite)
                .where(StaffInvite.user_id == user_id, StaffInvite.used_at.is_(None))
                .where(StaffInvite.expires_at > now)
                .values(expires_at=now)
            )
            db.add(
                StaffInvite(
                    user_id=user_id, token_hash=token_hash, created_at=now, expires_at=expires_at
                )
            )

    def staff_invite_status(
        self, token_hash: str, now: datetime.datetime
    ) -> tuple[str, StaffUser | None]:
        """'ok' (with whose it is), 'unknown', 'used' or 'expired' (a deactivated account's
        link is expired too)."""
        with self.sessions() as db:
            invite = db.scalars(
                select(StaffInvite).where(StaffInvite.token_hash == token_hash)
            ).first()
            return _invite_status(db, invite, now)

    def use_staff_invite(
        self, token_hash: str, password_hash: str, now: datetime.datetime
    ) -> tuple[str, StaffUser | None]:
        """Spend an invite link, setting the person's password: once only, even when two
        requests use it at the same moment. Returns what staff_invite_status would have."""
        with self.sessions.begin() as db:
            invite = db.scalars(
                select(StaffInvite).where(StaffInvite.token_hash == token_hash).with_for_update()
            ).first()
            status, user = _invite_status(db, invite, now)
            if status != "ok":
                return status, None
            spent = db.execute(
                update(StaffInvite)
                .where(StaffInvite.id == invite.id, StaffInvite.used_at.is_(None))
                .values(used_at=now)
            )
            if spent.rowcount != 1:
                return "used", None
            user.password_hash = password_hash
            user.failed_sign_ins, user.locked_until = 0, None
            return "ok", user

    def open_staff_invites(self, now: datetime.datetime) -> dict[int, datetime.datetime]:
        """Who has an unused invite link that still works, and until when."""
        with self.sessions() as db:
            rows = db.execute(
                select(StaffInvite.user_id, func.max(StaffInvite.expires_at))
                .where(StaffInvite.used_at.is_(None), StaffInvite.expires_at > now)
                .group_by(StaffInvite.user_id)
            )
            return {user_id: as_utc(until) for user_id, until in rows}

    # -- two-factor sign-in -------------------------------------------------------------------

    def enable_two_factor(
        self, user_id: int, secret: str, step: int, code_hashes: list[str], now: datetime.datetime
    ) -> None:
        """Keep a confirmed authenticator secret (the step of the code that confirmed it is
        used up) and a new set of recovery codes in place of any earlier ones."""
        with self.sessions.begin() as db:
            user = db.get(StaffUser, user_id)  # the ORM seals the secret (sealing.py)
            user.two_factor_secret = secret
            user.two_factor_enabled_at, user.two_factor_last_step = now, step
            db.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
            db.add_all(RecoveryCode(user_id=user_id, code_hash=h) for h in code_hashes)

    def use_two_factor_step(self, user_id: int, step: int) -> bool:
        """Mark a security code's time step used; False if it (or a later one) already was,
        so a code seen over someone's shoulder cannot be replayed. Atomic on both databases."""
        with self.sessions.begin() as db:
            done = db.execute(
                update(StaffUser)
                .where(
                    StaffUser.id == user_id,
                    StaffUser.two_factor_enabled_at.is_not(None),
                    or_(
                        StaffUser.two_factor_last_step.is_(None),
                        StaffUser.two_factor_last_step < step,
                    ),
                )
                .values(two_factor_last_step=step)
            )
            return done.rowcount == 1

    def use_recovery_code(self, user_id: int, code_hash: str, now: datetime.datetime) -> bool:
        """Spend one recovery code; False if it is not one of theirs or was used before."""
        with self.sessions.begin() as db:
            unused = (
                select(RecoveryCode.id)
                .where(
                    RecoveryCode.user_id == user_id,
                    RecoveryCode.code_hash == code_hash,
                    RecoveryCode.used_at.is_(None),
                )
                .limit(1)
                .scalar_subquery()
            )
            done = db.execute(
                update(RecoveryCode)
                .where(RecoveryCode.id == unused, RecoveryCode.used_at.is_(None))
                .values(used_at=now)
            )
            return done.rowcount == 1

    def recovery_codes_left(self, user_id: int) -> int:
        with self.sessions() as db:
            return (
                db.scalar(
                    select(func.count(RecoveryCode.id)).where(
                        RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None)
                    )
                )
                or 0
            )

    def reset_two_factor(self, user_id: int) -> None:
        """Forget someone's authenticator and recovery codes (a lost phone): they set it up
        again at their next sign-in."""
        with self.sessions.begin() as db:
            user = db.get(StaffUser, user_id)
            user.two_factor_secret = None
            user.two_factor_enabled_at = user.two_factor_last_step = None
            db.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))

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

    def audit_events(
        self,
        offset: int = 0,
        limit: int = 100,
        *,
        staff_id: int | None = None,
        action: str | None = None,
        since: datetime.datetime | None = None,
        before: datetime.datetime | None = None,
        target: str | None = None,
    ) -> tuple[list[AuditEvent], int]:
        """A page of the audit log, newest first, and how many events match in all.

        `staff_id`: events by that member of staff (their failed sign-ins too); `since` and
        `before`: a half-open time range; `target`: the record, exactly (a reference).
        """
        conditions = []
        if staff_id is not None:
            conditions.append(AuditEvent.actor.startswith(f"staff:{staff_id} ", autoescape=True))
        if action is not None:
            conditions.append(AuditEvent.action == action)
        if since is not None:
            conditions.append(AuditEvent.at >= since)
        if before is not None:
            conditions.append(AuditEvent.at < before)
        if target is not None:
            conditions.append(AuditEvent.target == target)
        with self.sessions() as db:
            total = db.scalar(select(func.count(AuditEvent.id)).where(*conditions)) or 0
            rows = db.scalars(
                select(AuditEvent)
                .where(*conditions)
                .order_by(AuditEvent.id.desc())
                .offset(offset)
                .limit(limit)
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


def _invite_status(db: Any, invite: StaffInvite | None, now: datetime.datetime):
    if invite is None:
        return "unknown", None
    if invite.used_at is not None:
        return "used", None
    expires = as_utc(invite.expires_at)
    user = db.get(StaffUser, invite.user_id)
    if expires <= now or user is None or not user.active:
        return "expired", None
    return "ok", user
