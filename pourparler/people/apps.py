from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "pourparler.people"
    label = "people"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # People's search tokens derive from the master key: a rotation rebuilds them.
        from pourparler.core.keys import register_blind_index
        from pourparler.people.services import rebuild_search_tokens

        register_blind_index("people.Person", rebuild_search_tokens)
