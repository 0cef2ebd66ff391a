// Report bodies shaped like Intuit's documented samples, for the report tests and the CLI's.
import type { Report } from "../../src/api/report-types.js";

export const cell = (value: string, id?: string) => (id ? { value, id } : { value });

/** After Intuit's ProfitAndLoss sample: nested sections, a Data row per account, summaries. */
export const PROFIT_AND_LOSS: Report = {
  Header: {
    Time: "2026-04-01T10:00:00-07:00",
    ReportName: "ProfitAndLoss",
    ReportBasis: "Accrual",
    StartPeriod: "2026-01-01",
    EndPeriod: "2026-03-31",
    SummarizeColumnsBy: "Total",
    Currency: "USD",
    Option: [{ Name: "NoReportData", Value: "false" }],
  },
  Columns: {
    Column: [
      { ColTitle: "", ColType: "Account", MetaData: [{ Name: "ColKey", Value: "account" }] },
      { ColTitle: "Total", ColType: "Money", MetaData: [{ Name: "ColKey", Value: "total" }] },
    ],
  },
  Rows: {
    Row: [
      {
        type: "Section",
        group: "Income",
        Header: { ColData: [cell("Income"), cell("")] },
        Rows: {
          Row: [
            { type: "Data", ColData: [cell("Design income", "82"), cell("2250.00")] },
            {
              type: "Section",
              Header: { ColData: [cell("Landscaping Services", "45"), cell("")] },
              Rows: { Row: [{ type: "Data", ColData: [cell("Job Materials", "46"), cell("-150.00")] }] },
              Summary: { ColData: [cell("Total Landscaping Services"), cell("-150.00")] },
            },
          ],
        },
        Summary: { ColData: [cell("Total Income"), cell("2100.00")] },
      },
      {
        type: "Section",
        group: "NetIncome",
        Summary: { ColData: [cell("Net Income"), cell("2100.00")] },
      },
    ],
  },
};
