"""The doors onto the service layer: the command line and the Excel buttons."""
