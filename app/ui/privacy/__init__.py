"""Data protection and backup screens: the customer's "Datenschutz" tab, the
"Datenschutz" page (audit log, retention, Art. 30) and the "Sicherungen" dialog."""
