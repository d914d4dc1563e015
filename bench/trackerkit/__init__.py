"""trackerkit: the parts the tracker generators of bench/ and sample_data/ are made of.

Dev tooling, not part of the shipped `migrate` package. A generator composes:

- vocab: vocabularies as data (vocab/*.yaml: names, companies, header words, stage words,
  notes, habit weights per team), read with `vocab.load(name)`;
- draw: weighted choices and habits (a team's house spelling, or now and then a mess);
- text, dates: the messes people type (full-width digits and letters, half-width kana,
  和暦 dates, serial numbers, plain-number spellings);
- render: a value written the way a team writes it (company with ㈱ or 御中, contact with
  様, e-mail in angle brackets, phone without its leading 0, date in 和暦), each returning
  the cell and the value a careful reader would take from it; and the people, companies,
  phones and deals it is drawn from;
- sheet: layouts (title rows, header row anywhere, two-row headers, merged cells,
  subtotal and note rows, hidden rows and sheets, several sheets, a table from column C),
  records keyed by field, and the layout truth;
- writers, truth: xlsx (xlsxwriter, fixed document times and zip timestamps), csv/tsv in
  any encoding (cp932, utf-8 with BOM, utf-16); the value truth of rendered cells.

check.py regenerates every tracker into a temporary folder and compares the bytes with
the committed files. Each generator draws from one seeded random generator and the parts
here draw in a fixed order, so a generator that composes them writes the same bytes on
every run.
"""
