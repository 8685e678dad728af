"""Every file the application answers with: exports, PDFs, templates, raw mails, attachments.

One place for the headers: `Content-Disposition` (a download, or shown in the browser, with the
file name encoded as RFC 6266 says), no content sniffing, and for files people uploaded a
sandbox, so an uploaded HTML or SVG file can never run in the application's origin.
"""

from django.http import FileResponse, HttpResponse
from django.utils.http import content_disposition_header

# For files someone uploaded (ticket attachments): nothing in them may run or load anything.
SANDBOX = "default-src 'none'; sandbox"


def download(
    content,
    *,
    filename: str,
    content_type: str,
    as_attachment: bool = True,
    sandbox: bool = False,
) -> HttpResponse:
    """The file as an answer. `content` is bytes (built in memory) or an open file, which is
    streamed. `as_attachment=False` lets the browser show it (images, the portal's files)."""
    if isinstance(content, bytes | str):
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = content_disposition_header(as_attachment, filename)
    else:
        response = FileResponse(
            content, content_type=content_type, as_attachment=as_attachment, filename=filename
        )
    response["X-Content-Type-Options"] = "nosniff"
    if sandbox:
        response["Content-Security-Policy"] = SANDBOX
    return response


def uploaded_file(attachment, *, as_attachment: bool | None = None) -> HttpResponse:
    """An uploaded file (a model with `file`, `name` and `content_type`), sandboxed. Images are
    shown in the browser, anything else downloads, unless the caller says otherwise."""
    if as_attachment is None:
        as_attachment = not attachment.content_type.startswith("image/")
    return download(
        attachment.file.open("rb"),
        filename=attachment.name,
        content_type=attachment.content_type,
        as_attachment=as_attachment,
        sandbox=True,
    )
