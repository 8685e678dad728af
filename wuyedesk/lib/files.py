"""What kind of file an upload is, decided by its first bytes (its "magic number"), not by
the name or the Content-Type the uploader sent. Only types browsers show safely are known:
JPEG, PNG, WebP, GIF and PDF. Ticket attachments and the portal's photos both ask here."""


def sniff(head: bytes) -> tuple[str, str] | None:
    """The (extension, content type) of an accepted file type, from its first bytes."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg", "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png", "image/png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif", "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp", "image/webp"
    if head.startswith(b"%PDF-"):
        return "pdf", "application/pdf"
    return None
