//! Numbers per row, in compressed rows: row `r` is `items[offsets[r]..offsets[r + 1]]`
//! (for each module, the sites that depend on it; for each site, its implicit parents).

#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Rows {
    #[serde(with = "crate::packed::numbers")]
    pub offsets: Vec<u32>,
    #[serde(with = "crate::packed::numbers")]
    pub items: Vec<u32>,
}

impl Rows {
    pub fn push_row(&mut self, row: impl Iterator<Item = u32>) {
        if self.offsets.is_empty() {
            self.offsets.push(0);
        }
        self.items.extend(row);
        self.offsets.push(self.items.len() as u32);
    }

    /// Rows `rows` of `other`, appended in one copy.
    pub fn extend_rows(&mut self, other: &Rows, rows: std::ops::Range<usize>) {
        if self.offsets.is_empty() {
            self.offsets.push(0);
        }
        let (Some(&start), Some(&end)) =
            (other.offsets.get(rows.start), other.offsets.get(rows.end))
        else {
            // No such rows: each is empty, as `row` says.
            let last = *self.offsets.last().expect("pushed above");
            self.offsets.extend(rows.map(|_| last));
            return;
        };
        let shift = self.items.len() as i64 - i64::from(start);
        self.items
            .extend_from_slice(&other.items[start as usize..end as usize]);
        self.offsets.extend(
            other.offsets[rows.start + 1..=rows.end]
                .iter()
                .map(|&offset| (i64::from(offset) + shift) as u32),
        );
    }

    /// Each item replaced by what `f` maps it to, or dropped where `f` says `None`, in
    /// place: no second table beside the first.
    pub fn filter_map_items(&mut self, mut f: impl FnMut(u32) -> Option<u32>) {
        let mut kept = 0;
        let mut start = 0;
        for row in 0..self.len() {
            let end = self.offsets[row + 1] as usize;
            for read in start..end {
                if let Some(item) = f(self.items[read]) {
                    self.items[kept] = item;
                    kept += 1;
                }
            }
            start = end;
            self.offsets[row + 1] = kept as u32;
        }
        self.items.truncate(kept);
    }

    /// The rows turned the other way: row `item` of the result lists, in order, the rows
    /// of `self` that hold `item`, for the `rows` first items (larger ones are left out).
    /// Counted first and laid out once: no list per row.
    pub fn transposed(&self, rows: usize) -> Rows {
        let mut offsets = vec![0u32; rows + 1];
        for &item in &self.items {
            if (item as usize) < rows {
                offsets[item as usize + 1] += 1;
            }
        }
        for row in 0..rows {
            offsets[row + 1] += offsets[row];
        }
        let mut next = offsets[..rows].to_vec();
        let mut items = vec![0u32; offsets[rows] as usize];
        for row in 0..self.len() {
            for &item in self.row(row) {
                if let Some(at) = next.get_mut(item as usize) {
                    items[*at as usize] = row as u32;
                    *at += 1;
                }
            }
        }
        Rows { offsets, items }
    }

    /// Row `r`, empty when there is no such row.
    pub fn row(&self, r: usize) -> &[u32] {
        match (self.offsets.get(r), self.offsets.get(r + 1)) {
            (Some(&start), Some(&end)) => {
                self.items.get(start as usize..end as usize).unwrap_or(&[])
            }
            _ => &[],
        }
    }

    /// How many rows there are.
    pub fn len(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_filtered_in_place_keep_their_rows() {
        let mut rows = Rows::default();
        for row in [vec![1, 2], vec![], vec![3], vec![4, 5, 6]] {
            rows.push_row(row.into_iter());
        }
        rows.filter_map_items(|item| (item % 2 == 0).then_some(item * 10));
        let each: Vec<&[u32]> = (0..rows.len()).map(|r| rows.row(r)).collect();
        assert_eq!(each, [&[20][..], &[], &[], &[40, 60]]);
    }

    #[test]
    fn transposed_rows_list_where_each_item_was_in_order() {
        let mut rows = Rows::default();
        for row in [vec![1, 0], vec![], vec![1, 7], vec![2, 1]] {
            rows.push_row(row.into_iter());
        }
        let turned = rows.transposed(3);
        let each: Vec<&[u32]> = (0..turned.len()).map(|r| turned.row(r)).collect();
        assert_eq!(each, [&[0][..], &[0, 2, 3], &[3]]);
    }

    #[test]
    fn rows_appended_in_one_copy_are_those_pushed_one_by_one() {
        let mut other = Rows::default();
        for row in [vec![1, 2], vec![], vec![3], vec![4, 5, 6]] {
            other.push_row(row.into_iter());
        }
        let mut copied = Rows::default();
        copied.push_row([9].into_iter());
        copied.extend_rows(&other, 1..4);
        copied.extend_rows(&other, 0..1);
        copied.extend_rows(&Rows::default(), 0..2);
        let mut pushed = Rows::default();
        for row in [
            vec![9],
            vec![],
            vec![3],
            vec![4, 5, 6],
            vec![1, 2],
            vec![],
            vec![],
        ] {
            pushed.push_row(row.into_iter());
        }
        assert_eq!(copied.offsets, pushed.offsets);
        assert_eq!(copied.items, pushed.items);
    }
}
