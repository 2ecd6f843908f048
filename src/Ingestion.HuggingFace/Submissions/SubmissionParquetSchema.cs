using Parquet.Schema;

namespace Ingestion.HuggingFace;

/// <summary>The columns of the flat submission row (one row per task × test pair × attempt), as the writer lays them out.</summary>
internal static class SubmissionParquetSchema
{
    public const string TaskId = "task_id";
    public const string PairIndex = "pair_index";
    public const string Attempt = "attempt";
    public const string Answer = "answer";
    public const string Correct = "correct";
    public const string Model = "model";
    public const string Provider = "provider";
    public const string StartTimestamp = "start_timestamp";
    public const string EndTimestamp = "end_timestamp";
    public const string UserPrompt = "user_prompt";
    public const string AssistantContent = "assistant_content";
    public const string ReasoningSummary = "reasoning_summary";
    public const string PromptTokens = "prompt_tokens";
    public const string CompletionTokens = "completion_tokens";
    public const string ReasoningTokens = "reasoning_tokens";
    public const string TotalTokens = "total_tokens";
    public const string TotalCost = "total_cost";
    public const string RawJson = "raw_json";

    // The answer is an OPTIONAL LIST of OPTIONAL LISTs of REQUIRED int32 (the standard three-level lists:
    // answer/list/element/list/element). The leaf's definition levels, as the writer produces them:
    public const int AnswerNullLevel = 0;     // answer is null
    public const int AnswerEmptyLevel = 1;    // answer is []
    public const int RowEmptyLevel = 3;       // a row is [] (level 2, a null row, is never written)
    public const int CellLevel = 4;           // a cell
    public const int NewRecordRepetition = 0; // the first entry of a row of the file
    public const int NewRowRepetition = 1;    // the first entry of a grid row after the first
    public const int NextCellRepetition = 2;  // a grid row's next cell

    /// <summary>Builds the schema that <see cref="SubmissionParquetWriter"/> writes (a new instance each time: fields bind to one schema).</summary>
    /// <returns>The schema and its fields, in column order.</returns>
    public static WriteSchema Create() => new();

    /// <summary>The writer's schema and its data fields.</summary>
    internal sealed class WriteSchema
    {
        public WriteSchema()
        {
            Schema = new ParquetSchema(
                TaskIdField,
                PairIndexField,
                AttemptField,
                new ListField(Answer, new ListField(ListField.ElementName, AnswerCellField)),
                CorrectField,
                ModelField,
                ProviderField,
                StartField,
                EndField,
                UserPromptField,
                AssistantField,
                ReasoningField,
                PromptTokensField,
                CompletionTokensField,
                ReasoningTokensField,
                TotalTokensField,
                TotalCostField,
                RawJsonField);
        }

        public ParquetSchema Schema { get; }

        public DataField<string> TaskIdField { get; } = new(TaskId, nullable: false);

        public DataField<int> PairIndexField { get; } = new(PairIndex, nullable: false);

        public DataField<int> AttemptField { get; } = new(Attempt, nullable: false);

        public DataField<int> AnswerCellField { get; } = new(ListField.ElementName, nullable: false);

        public DataField<bool?> CorrectField { get; } = new(Correct);

        public DataField<string> ModelField { get; } = new(Model, nullable: true);

        public DataField<string> ProviderField { get; } = new(Provider, nullable: true);

        public DateTimeDataField StartField { get; } = Timestamp(StartTimestamp);

        public DateTimeDataField EndField { get; } = Timestamp(EndTimestamp);

        public DataField<string> UserPromptField { get; } = new(UserPrompt, nullable: true);

        public DataField<string> AssistantField { get; } = new(AssistantContent, nullable: true);

        public DataField<string> ReasoningField { get; } = new(ReasoningSummary, nullable: true);

        public DataField<long?> PromptTokensField { get; } = new(PromptTokens);

        public DataField<long?> CompletionTokensField { get; } = new(CompletionTokens);

        public DataField<long?> ReasoningTokensField { get; } = new(ReasoningTokens);

        public DataField<long?> TotalTokensField { get; } = new(TotalTokens);

        public DataField<double?> TotalCostField { get; } = new(TotalCost);

        public DataField<string> RawJsonField { get; } = new(RawJson, nullable: false);

        // INT64 microseconds since the epoch, UTC (TIMESTAMP(isAdjustedToUTC=true, MICROS)), not the INT96 default.
        private static DateTimeDataField Timestamp(string name)
            => new(name, DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: DateTimeTimeUnit.Micros, isNullable: true);
    }
}
