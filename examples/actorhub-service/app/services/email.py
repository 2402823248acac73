"""Transactional email (password reset, verification)."""


async def send_email(to: str, subject: str, body: str) -> None:
    raise NotImplementedError("Email sending not implemented")
