from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    name = "brightkitchen.staff"
    label = "staff"
    verbose_name = _("Canteen staff and health")

    def ready(self) -> None:
        from brightkitchen.schools.metrics import Metric, register_metric
        from brightkitchen.schools.tallies import Due, Source, Tally, register_tally
        from brightkitchen.staff import rules, sections, selectors
        from brightkitchen.staff.models import HealthCertificate, MorningCheck, StaffMember

        # A person's certificates and place on the roll count on every day: changing them rebuilds every
        # month of the canteen.
        roll = (Source(StaffMember), Source(HealthCertificate))
        checks = (Source(MorningCheck, "date"), *roll)
        register_tally(
            Tally("morning_checks", Due.SERVICE_DAY, selectors.morning_check_days, checks), on_time=True
        )
        register_tally(Tally("on_duty", Due.SERVICE_DAY, selectors.on_duty_days, roll))
        register_tally(Tally("staff", Due.LAST_DAY, selectors.staff_days, roll))
        register_tally(Tally("certified_staff", Due.LAST_DAY, None, roll, column="on_duty"))
        register_metric(
            Metric(
                "morning_check",
                _("Morning check completion rate"),
                selectors.morning_check_metric,
                "staff:morning_check",
            )
        )
        register_metric(
            Metric(
                "health_certificate",
                _("Health certificate holding rate"),
                selectors.health_certificate_metric,
            )
        )
        rules.register()
        sections.register()
