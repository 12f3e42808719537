"""The web page door (``unionxl web``): one Chinese page on this computer, for offices without the Excel buttons.

:mod:`.server` starts it (loopback only, a free port, a random token in the URL, a private work
folder removed at exit); :mod:`.app` is the Flask application (the token and Host checks on every
request, uploads, downloads); :mod:`.work` holds the work folder, the batch and the job running in
the background; :mod:`.views` turns a job's result into the rows the page shows. Like the other
doors it only gathers arguments, calls a job (:mod:`unionxl.jobs`) and shows the result.
"""
