"""Date formats per language where Django's own are not the ones Pourparler shows
(settings.FORMAT_MODULE_PATH). English: day month year, as the organisation
writes dates ("29 Nov 2026"), not Django's American "Nov. 29, 2026". Arabic: the date
and time formats Django does not define for it (it would fall back to "m/d/Y P").
Each module names only what it changes; Django's formats for the language fill the rest."""
