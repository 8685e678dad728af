from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from wuyedesk.core import backup


class Command(BaseCommand):
    help = (
        "One archive of the database (SQLite online backup or pg_dump) and the media files, "
        "with a manifest of counts and checksums; safe while WuyeDesk runs. "
        "Secrets (SECRET_KEY, the environment) are not in it."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "output",
            nargs="?",
            help="archive file, or a folder for wuyedesk-YYYYmmdd-HHMMSS.tar.gz (default: .)",
        )

    def handle(self, *args, **options):
        output = Path(options["output"] or ".")
        if output.is_dir():
            stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
            output = output / f"wuyedesk-{stamp}.tar.gz"
        if not output.parent.is_dir():
            raise CommandError(f"no such folder: {output.parent}")
        try:
            manifest = backup.backup(output)
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{output}: {backup.manifest_summary(manifest)}")
