from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from wuyedesk.core import backup


class Command(BaseCommand):
    help = (
        "Restore an archive of `wuyedesk backup` into an empty database (--force: into any), "
        "run the migrations when the archive is older, write back the media files and clear "
        "the caches. Stop the web server and the worker first."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace a database that holds data (every table of it is dropped)",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="only verify the archive's checksums and print its manifest",
        )

    def handle(self, *args, **options):
        archive = Path(options["archive"])
        if not archive.is_file():
            raise CommandError(f"no such file: {archive}")
        try:
            if options["check"]:
                manifest = backup.read_manifest(archive)
                self.stdout.write(f"{archive}: checksums ok; {backup.manifest_summary(manifest)}")
                return
            done = backup.restore(archive, force=options["force"])
        except backup.BackupError as error:
            raise CommandError(f"not restored: {error}") from error
        migrated = ", migrations applied" if done.migrated else ""
        self.stdout.write(
            f"restored {backup.manifest_summary(done.manifest)}{migrated}; caches cleared"
        )
