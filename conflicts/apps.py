from django.apps import AppConfig


class ConflictsConfig(AppConfig):
    name = "conflicts"
    verbose_name = "Conflicts between departments"

    def ready(self) -> None:
        """Open conflicts go on forum agendas by themselves (forums does not import us)."""
        from conflicts.agenda import conflicts_on_agenda
        from forums.agenda import AGENDA_SOURCES

        if conflicts_on_agenda not in AGENDA_SOURCES:
            AGENDA_SOURCES.append(conflicts_on_agenda)
