"""Saves a document through LibreOffice's UNO API (python3-uno), for what `soffice
--convert-to` cannot do: a file-opening password. Usage:
    python3 lo_save.py SRC OUT FILTER [PASSWORD]
FILTER is a LibreOffice export filter ("MS Word 2007 XML" for DOCX, "writer8" for ODT). A
private soffice is started on a pipe with its own profile beside OUT and stopped afterwards."""
import os
import subprocess
import sys
import tempfile
import time

import uno  # noqa: E402  (python3-uno)
from com.sun.star.beans import PropertyValue  # noqa: E402


def prop(name, value):
    p = PropertyValue()
    p.Name = name
    p.Value = value
    return p


def main():
    src, out, flt = sys.argv[1:4]
    pw = sys.argv[4] if len(sys.argv) > 4 else None
    work = tempfile.mkdtemp(prefix="lo-save-", dir=os.path.dirname(os.path.abspath(out)))
    pipe = "kyso_lo_" + str(os.getpid())
    office = subprocess.Popen(["soffice", "--headless", "--invisible", "--norestore",
                               f"-env:UserInstallation=file://{work}/profile",
                               f"--accept=pipe,name={pipe};urp;"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)  # its own group: nothing of it survives
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        ctx = None
        for _ in range(300):
            try:
                ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                break
            except Exception:
                time.sleep(0.1)
        if ctx is None:
            raise SystemExit("FAIL: soffice did not answer on its pipe")
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(os.path.abspath(src)), "_blank", 0,
                                           (prop("Hidden", True),))
        args = [prop("FilterName", flt), prop("Overwrite", True)]
        if pw and flt.startswith("MS Word 2007"):
            # OOXML export encrypts (MS-OFFCRYPTO agile) with EncryptionData's OOXPassword
            from com.sun.star.beans import NamedValue
            nv = NamedValue()
            nv.Name = "OOXPassword"
            nv.Value = pw
            args.append(prop("EncryptionData", uno.Any("[]com.sun.star.beans.NamedValue", (nv,))))
        elif pw:
            args.append(prop("Password", pw))
        uno.invoke(doc, "storeToURL", (uno.systemPathToFileUrl(os.path.abspath(out)), tuple(args)))
        doc.close(True)
        try:
            desktop.terminate()
        except Exception:
            pass
    finally:
        try:
            office.wait(20)
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(office.pid, 9)  # soffice.bin outlives its launcher otherwise
        except ProcessLookupError:
            pass
        office.wait()
        subprocess.run(["rm", "-rf", work])


main()
