/// One `<option>` of a page's `<select>`: the value sent, the label shown, whether it is chosen.
struct SelectOption: Sendable {
    var value: String
    var label: String
    var selected: Bool
}
