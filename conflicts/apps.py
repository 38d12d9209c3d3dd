from django.apps import AppConfig


class ConflictsConfig(AppConfig):
    name = "conflicts"
    verbose_name = "Conflicts between departments"

    def ready(self) -> None:
        """Open conflicts go on forum agendas, and their decisions say where they were made in
        the decision log, by themselves (forums does not import us)."""
        from conflicts.agenda import conflicts_on_agenda
        from conflicts.sources import CONFLICT_DECISIONS
        from forums.agenda import AGENDA_SOURCES
        from forums.sources import DECISION_SOURCES

        if conflicts_on_agenda not in AGENDA_SOURCES:
            AGENDA_SOURCES.append(conflicts_on_agenda)
        if CONFLICT_DECISIONS not in DECISION_SOURCES:
            DECISION_SOURCES.append(CONFLICT_DECISIONS)
