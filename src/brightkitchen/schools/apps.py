from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchoolsConfig(AppConfig):
    name = "brightkitchen.schools"
    label = "schools"
    verbose_name = _("Schools and canteens")

    def ready(self) -> None:
        # Registers the core school-file sections and the licence alert rules.
        from brightkitchen.core.health import register_gauge
        from brightkitchen.core.schedule import register_beat
        from brightkitchen.core.views import set_home_context
        from brightkitchen.schools import alert_rules, sections  # noqa: F401
        from brightkitchen.schools.models import Canteen, School
        from brightkitchen.schools.views import home_context

        set_home_context(home_context)  # the region users' start page
        # Tallies of the completeness metrics for the month that starts; idempotent, cheap once done.
        register_beat("tally-month", "brightkitchen.schools.tasks.open_tally_month", 60 * 60.0)
        register_gauge("brightkitchen_schools", "Schools on the platform", lambda: School.objects.count())
        register_gauge("brightkitchen_canteens", "Canteens on the platform", lambda: Canteen.objects.count())
