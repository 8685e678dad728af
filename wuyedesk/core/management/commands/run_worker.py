"""`wuyedesk worker`: huey's consumer (as djhuey's run_huey starts it) whose scheduler
enqueues the periodic jobs only while it holds the scheduler lease (core/scheduler.py)."""

import logging

from django.conf import settings
from django.utils.module_loading import autodiscover_modules
from huey.consumer_options import ConsumerConfig
from huey.contrib.djhuey import HUEY
from huey.contrib.djhuey.management.commands.run_huey import Command as RunHuey

from wuyedesk.core.scheduler import LeasedConsumer


class Command(RunHuey):
    help = (
        "Run the task worker (huey consumer); of all running workers, one enqueues the "
        "periodic jobs and the others stand by (core/scheduler.py)."
    )

    def handle(self, *args, **options):
        consumer_options = dict(settings.HUEY.get("consumer", {}))
        consumer_options.update({k: v for k, v in options.items() if v is not None})
        if not options.get("disable_autoload"):
            autodiscover_modules("tasks")
        config = ConsumerConfig(**consumer_options)
        config.validate()
        logger = logging.getLogger("huey")
        if not logger.handlers:
            config.setup_logger(logger)
        LeasedConsumer(HUEY, **config.values).run()
