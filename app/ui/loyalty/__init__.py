"""Screens of the bonus programs and vouchers: the customer tab, the Gutscheine page, the
program settings dialog."""
