namespace Ingestion.HuggingFace.Tests.Tasks;

public sealed class ArcTaskLibraryTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("arcprize/arc_agi_v1_public_eval", ArcTaskLibrary.Arc1Evaluation)]
    [InlineData("arcprize/arc_agi_v2_public_eval", ArcTaskLibrary.Arc2Evaluation)]
    [InlineData("arcprize/arc_agi_v1_training", ArcTaskLibrary.Arc1Training)]
    [InlineData("arcprize/arc_agi_v2_training", ArcTaskLibrary.Arc2Training)]
    [InlineData("someone/ARC-AGI-2-eval-runs", ArcTaskLibrary.Arc2Evaluation)]
    [InlineData("someone/arcagi1_evaluation", ArcTaskLibrary.Arc1Evaluation)]
    [InlineData("someone/arc_agi_v1_train_and_eval", null)]
    [InlineData("someone/arc_agi_v12_eval", null)]
    [InlineData("someone/mnist", null)]
    public void TheSource_IsDetectedFromTheDatasetName_OrNotAtAll(string dataset, string? expected)
        => ArcTaskLibrary.DetectSource(dataset).Should().Be(expected);

    [Fact]
    public void ArcAgi1_IsLoadedFromItsFolders_WithAnIdLookupAcrossSets()
    {
        var library = new ArcTaskLibrary().AddArcAgi1(SharedData.ArcAgi1);

        library.Sets.Select(static s => s.Name).Should().Equal(ArcTaskLibrary.Arc1Training, ArcTaskLibrary.Arc1Evaluation);
        library.TryGetSet("arc1-eval", out var evaluation).Should().BeTrue("names are case-insensitive");
        evaluation!.Count.Should().Be(400);
        evaluation.TaskIds.Should().BeInAscendingOrder(StringComparer.Ordinal);
        var id = evaluation.TaskIds[0];
        library.TryFindTask(id, out var found).Should().BeTrue();
        found.Should().BeSameAs(evaluation);
        var task = evaluation.GetTask(id);
        task.Id.Should().Be(id);
        task.Test.Should().NotBeEmpty().And.OnlyContain(static p => p.Output != null);
        evaluation.GetTask(id).Should().BeSameAs(task, "a task is read once");
        library.TryFindTask("ffffffff", out _).Should().BeFalse();
        var unknown = () => evaluation.GetTask("ffffffff");
        unknown.Should().Throw<KeyNotFoundException>().WithMessage("The task set 'ARC1-Eval' has no task 'ffffffff'.");
    }

    [Fact]
    public void ArcAgi2_IsLoadedFromAClone_WithItsDataFolder()
    {
        var tasks = SharedData.LoadEvaluation(3);
        foreach (var (folder, task) in new[] { ("training", tasks[0]), ("evaluation", tasks[1]), ("evaluation", tasks[2]) })
        {
            Directory.CreateDirectory(_temp.Combine("ARC-AGI-2", "data", folder));
            File.Copy(Path.Combine(SharedData.ArcAgi1Evaluation, task.Id + ".json"), _temp.Combine("ARC-AGI-2", "data", folder, task.Id + ".json"));
        }

        var library = new ArcTaskLibrary().AddArcAgi2(_temp.Combine("ARC-AGI-2"));

        library.TryGetSet(ArcTaskLibrary.Arc2Training, out var training).Should().BeTrue();
        training!.Count.Should().Be(1);
        library.TryGetSet(ArcTaskLibrary.Arc2Evaluation, out var evaluation).Should().BeTrue();
        evaluation!.TaskIds.Should().Equal(tasks[1].Id, tasks[2].Id);
    }

    [Fact]
    public void AFolderWithoutTheLayout_OrASetAddedTwice_IsRefusedClearly()
    {
        var none = () => new ArcTaskLibrary().AddArcAgi1(_temp.Path);
        none.Should().Throw<DirectoryNotFoundException>().WithMessage("*has neither training/ nor evaluation/*");

        var library = new ArcTaskLibrary().Add("Mine", SharedData.ArcAgi1Evaluation);
        var twice = () => library.Add("mine", SharedData.ArcAgi1Evaluation);
        twice.Should().Throw<ArgumentException>().WithMessage("The library already has a task set named 'mine'.*");
    }

    [Fact]
    public void ABrokenTaskFile_SaysWhichAndWhy()
    {
        Directory.CreateDirectory(_temp.Combine("set"));
        File.WriteAllText(_temp.Combine("set", "0badf00d.json"), "{\"train\": [], \"test\": [{\"input\": [[1, 2], [3]]}]}");
        var set = new ArcTaskSet("Broken", _temp.Combine("set"));

        var read = () => set.GetTask("0badf00d");

        read.Should().Throw<FormatException>().WithMessage("Task 0badf00d: test[0].input: The grid is ragged*");
    }
}
