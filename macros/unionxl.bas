Attribute VB_Name = "unionxl"
' unionxl: the macros behind the buttons on the sheet named (in Chinese) "operations".
' Each macro is a single RunPython call (RunPython is in the xlwings module of this
' workbook) into the Python module unionxl.excel, which reads the input cells, runs
' unionxl and writes the status, counts and tables back into this workbook.
' The Python command is a fixed string: never built from the workbook's name.
' Keep this file ASCII: Chinese text lives in cells and button captions only.
' Source of truth: macros/unionxl.bas; the workbook is rebuilt by "unionxl excel-workbook".
Option Explicit

Public Sub UnionxlValidate()
    RunPython "import unionxl.excel as x; x.validate()"
End Sub

Public Sub UnionxlMerge()
    RunPython "import unionxl.excel as x; x.merge()"
End Sub

Public Sub UnionxlSummary()
    RunPython "import unionxl.excel as x; x.summary()"
End Sub

Public Sub UnionxlOpenIssues()
    RunPython "import unionxl.excel as x; x.open_issues()"
End Sub
