/// Channel numbers as runs: "channels 1-8" reads better than eight lines, so findings and renderers group
/// consecutive numbers. One place for the grouping and its "1-8,10" text.
public enum NumberRuns {
    /// Sorted runs of consecutive numbers; duplicates fold into their run.
    public static func runs(_ numbers: [Int]) -> [ClosedRange<Int>] {
        var result: [ClosedRange<Int>] = []
        for n in numbers.sorted() {
            if let last = result.last, last.upperBound + 1 == n { result[result.count - 1] = last.lowerBound...n }
            else if result.last?.contains(n) != true { result.append(n...n) }
        }
        return result
    }

    /// "1-8,10,12-13".
    public static func text(_ numbers: [Int]) -> String {
        runs(numbers).map { $0.count == 1 ? "\($0.lowerBound)" : "\($0.lowerBound)-\($0.upperBound)" }.joined(separator: ",")
    }

    /// Items in runs of consecutive numbers that `same` also puts together (same config line, same signalling...).
    public static func groups<T>(_ items: [T], number: (T) -> Int, same: (T, T) -> Bool) -> [[T]] {
        var groups: [[T]] = []
        for item in items.sorted(by: { number($0) < number($1) }) {
            if let last = groups.last?.last, number(last) + 1 == number(item), same(last, item) {
                groups[groups.count - 1].append(item)
            } else {
                groups.append([item])
            }
        }
        return groups
    }
}
