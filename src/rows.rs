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
