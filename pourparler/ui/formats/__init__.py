"""Date formats per language where Django's own are not the ones Pourparler shows
(settings.FORMAT_MODULE_PATH). Only English is set here: day month year, as the
organisation writes dates ("29 Nov 2026"), not Django's American "Nov. 29, 2026".
French, Arabic and Spanish use Django's formats for those languages."""
