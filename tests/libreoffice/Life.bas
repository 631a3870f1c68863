REM Edits a colleague makes in LibreOffice Writer, and its own Accept All / Reject All, run headless:
REM   soffice --headless "macro:///Standard.Life.Run(""/path/manifest.txt"")"
REM Each line of the manifest: operation|input file|output file|output filter (see tests/libreoffice/__init__.py).

Function Prop(name As String, value) As com.sun.star.beans.PropertyValue
  Dim p As New com.sun.star.beans.PropertyValue
  p.Name = name
  p.Value = value
  Prop = p
End Function

Function Starts(text As String, start As String) As Boolean
  Dim a As String, b As String
  a = Replace(Replace(text, Chr(160), " "), Chr(8239), " ")
  b = Replace(start, Chr(160), " ")
  Starts = (Left(a, Len(b)) = b)
End Function

Function FindPara(doc, start As String)
  Dim en, p
  en = doc.Text.createEnumeration()
  Do While en.hasMoreElements()
    p = en.nextElement()
    If p.supportsService("com.sun.star.text.Paragraph") Then
      If Starts(p.getString(), start) Then
        FindPara = p
        Exit Function
      End If
    End If
  Loop
  FindPara = Nothing
End Function

Function FindText(doc, text As String)
  Dim d
  d = doc.createSearchDescriptor()
  d.SearchString = text
  FindText = doc.findFirst(d)
End Function

Sub AppendTo(doc, start As String, text As String)
  Dim p, c
  p = FindPara(doc, start)
  c = doc.Text.createTextCursorByRange(p.getEnd())
  doc.Text.insertString(c, text, False)
End Sub

Sub Dispatch(doc, command As String)
  Dim d, noArgs()
  d = createUnoService("com.sun.star.frame.DispatchHelper")
  d.executeDispatch(doc.getCurrentController().getFrame(), command, "", 0, noArgs())
End Sub

Sub Edit(doc, op As String)
  Dim p, c, r, st, rules, lvl, i, g, gp, fam, name, ann, fn
  Select Case op
  Case "save"
    REM opened and saved, nothing changed
  Case "track_insert"
    doc.RecordChanges = True
    AppendTo(doc, "Les voix et les visages se contrefont", " Le Studio rappelle ces règles à chaque équipe une fois par trimestre.")
    doc.RecordChanges = False
  Case "track_delete"
    doc.RecordChanges = True
    r = FindText(doc, ", et répond de ce qu'elle publie ou envoie")
    r.setString("")
    doc.RecordChanges = False
  Case "comment"
    p = FindPara(doc, "Elle vise l'IA générative")
    ann = doc.createInstance("com.sun.star.text.textfield.Annotation")
    ann.Author = "Camille Roy"
    ann.Content = "À relire avec l'équipe juridique avant le conseil."
    c = doc.Text.createTextCursorByRange(p.getEnd())
    doc.Text.insertTextContent(c, ann, False)
  Case "footnote"
    p = FindPara(doc, "Une personne morale ne peut être autrice")
    fn = doc.createInstance("com.sun.star.text.Footnote")
    c = doc.Text.createTextCursorByRange(p.getEnd())
    doc.Text.insertTextContent(c, fn, False)
    fn.setString("Voir aussi la note interne du service juridique du 3 mars 2026.")
  Case "style"
    fam = doc.StyleFamilies.getByName("ParagraphStyles")
    If Not fam.hasByName("Encadré maison") Then
      st = doc.createInstance("com.sun.star.style.ParagraphStyle")
      fam.insertByName("Encadré maison", st)
      st.ParentStyle = "Standard"
      st.CharColor = RGB(122, 31, 92)
      st.ParaLeftMargin = 800
    End If
    p = FindPara(doc, "Des outils d'IA sont déjà à l'essai")
    p.ParaStyleName = "Encadré maison"
  Case "numbering"
    p = FindPara(doc, "L'humain au centre")
    name = p.NumberingStyleName
    If name <> "" Then
      st = doc.StyleFamilies.getByName("NumberingStyles").getByName(name)
      rules = st.NumberingRules
    Else
      rules = p.NumberingRules
    End If
    lvl = rules.getByIndex(0)
    For i = 0 To UBound(lvl)
      If lvl(i).Name = "NumberingType" Then lvl(i).Value = com.sun.star.style.NumberingType.CHARS_LOWER_LETTER
      If lvl(i).Name = "Suffix" Then lvl(i).Value = ")"
      If lvl(i).Name = "ListFormat" Then lvl(i).Value = "%1%)"
    Next i
    rules.replaceByIndex(0, lvl)
    If name <> "" Then
      st.NumberingRules = rules
    Else
      p.NumberingRules = rules
    End If
  Case "footer"
    fam = doc.StyleFamilies.getByName("PageStyles")
    For i = 0 To fam.getCount() - 1
      st = fam.getByIndex(i)
      If st.FooterIsOn Then
        If InStr(st.FooterText.getString(), "version") > 0 Then
          c = st.FooterText.createTextCursor()
          c.gotoStart(False)
          c.gotoEndOfParagraph(False)
          REM before the tab and the page number: after "version 1.0"
          r = st.FooterText.createEnumeration().nextElement()
          c = st.FooterText.createTextCursorByRange(r.getStart())
          c.goRight(Len(Split(r.getString(), Chr(9))(0)), False)
          st.FooterText.insertString(c, " · Document interne", False)
        End If
      End If
    Next i
  Case "image"
    p = FindPara(doc, "La présente politique, adoptée par")
    c = doc.Text.createTextCursorByRange(p.getEnd())
    doc.Text.insertControlCharacter(c, com.sun.star.text.ControlCharacter.PARAGRAPH_BREAK, False)
    gp = createUnoService("com.sun.star.graphic.GraphicProvider")
    g = doc.createInstance("com.sun.star.text.TextGraphicObject")
    g.Graphic = gp.queryGraphic(Array(Prop("URL", ConvertToURL(Environ("BALISES_TEST_IMAGE")))))
    g.AnchorType = com.sun.star.text.TextContentAnchorType.AS_CHARACTER
    Dim size As New com.sun.star.awt.Size
    size.Width = 3000
    size.Height = 1500
    g.Size = size
    doc.Text.insertTextContent(c, g, False)
  Case "reword"
    p = FindPara(doc, "Un usage de l'IA en gestion du personnel")
    p.setString("Un usage RH de l'IA n'est mis en place qu'avec l'accord du CSE ; la DRH en tient le registre.")
  Case "delete_paragraph"
    p = FindPara(doc, "un transfert hors de l'Union européenne")
    c = doc.Text.createTextCursorByRange(p.getStart())
    c.gotoEndOfParagraph(True)
    c.goRight(1, True)
    c.setString("")
  Case "heading_style"
    p = FindPara(doc, "Formation")
    p.ParaStyleName = "Heading 2"
  Case "accept"
    Dispatch(doc, ".uno:AcceptAllTrackedChanges")
  Case "reject"
    Dispatch(doc, ".uno:RejectAllTrackedChanges")
  End Select
End Sub

Sub Run(manifest As String)
  Dim n As Integer, line As String, parts, doc, args(0), filter, log As Integer
  On Error Goto Failed
  log = FreeFile()
  Open manifest & ".log" For Output As #log
  n = FreeFile()
  Open manifest For Input As #n
  Do While Not EOF(n)
    Line Input #n, line
    If line <> "" Then
      parts = Split(line, "|")
      args(0) = Prop("Hidden", True)
      doc = StarDesktop.loadComponentFromURL(ConvertToURL(parts(1)), "_blank", 0, args())
      Edit(doc, parts(0))
      filter = Array(Prop("FilterName", parts(3)))
      doc.storeToURL(ConvertToURL(parts(2)), filter)
      doc.close(True)
    End If
  Loop
  Close #n
  Close #log
  Exit Sub
Failed:
  Print #log, "error " & Err & " at line " & Erl & ": " & Error$ & " (" & line & ")"
  Close #log
End Sub
