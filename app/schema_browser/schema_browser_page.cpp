#include "app/schema_browser/schema_browser_page.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTreeView>
#include <QVBoxLayout>

#include "app/connections/password_store.h"
#include "app/schema_browser/catalog_tree_model.h"
#include "app/schema_browser/object_detail_view.h"
#include "widgets/busy_spinner.h"
#include "widgets/status_icon.h"

namespace ferry::app {

namespace {
int slot(preflight::Role r) { return r == preflight::Role::Source ? 0 : 1; }
}  // namespace

SchemaBrowserPage::SchemaBrowserPage(EngineBridge* bridge, PasswordStore* passwords, SpecProvider specOf, QWidget* parent)
    : QWidget(parent), m_bridge(bridge), m_passwords(passwords), m_specOf(std::move(specOf)) {
  setObjectName(QStringLiteral("schemaPage"));
  auto* layout = new QVBoxLayout(this);

  auto* bar = new QHBoxLayout;
  m_role = new QComboBox;
  m_role->setObjectName(QStringLiteral("catalogRole"));
  m_role->addItem(tr("Source"), static_cast<int>(preflight::Role::Source));
  m_role->addItem(tr("Target"), static_cast<int>(preflight::Role::Target));
  m_schemas = new QLineEdit;
  m_schemas->setObjectName(QStringLiteral("schemaList"));
  m_schemas->setPlaceholderText(tr("schemas, comma-separated (empty: the connection's database, or all)"));
  m_load = new QPushButton(tr("Load catalog"));
  m_load->setObjectName(QStringLiteral("loadCatalog"));
  m_spinner = new widgets::BusySpinner;
  bar->addWidget(new QLabel(tr("Catalog of:")));
  bar->addWidget(m_role);
  bar->addWidget(new QLabel(tr("Schemas:")));
  bar->addWidget(m_schemas, 1);
  bar->addWidget(m_load);
  bar->addWidget(m_spinner);
  layout->addLayout(bar);

  m_status = new QLabel(tr("Not loaded yet. Fill in the connection on the Connections page, then press Load catalog."));
  m_status->setObjectName(QStringLiteral("catalogStatus"));
  m_status->setWordWrap(true);
  m_status->setTextFormat(Qt::PlainText);
  m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
  layout->addWidget(m_status);

  m_filter = new QLineEdit;
  m_filter->setObjectName(QStringLiteral("catalogFilter"));
  m_filter->setPlaceholderText(tr("Filter by name…"));
  m_filter->setClearButtonEnabled(true);

  m_model = new CatalogTreeModel(this);
  m_proxy = new QSortFilterProxyModel(this);
  m_proxy->setSourceModel(m_model);
  m_proxy->setRecursiveFilteringEnabled(true);
  m_proxy->setAutoAcceptChildRows(true);  // a matching table keeps its columns visible
  m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
  m_proxy->setFilterKeyColumn(CatalogTreeModel::NameColumn);
  connect(m_filter, &QLineEdit::textChanged, this, [this](const QString& text) {
    m_proxy->setFilterFixedString(text);
    if (!text.isEmpty()) m_tree->expandToDepth(2);
  });

  m_tree = new QTreeView;
  m_tree->setObjectName(QStringLiteral("catalogTree"));
  m_tree->setModel(m_proxy);
  m_tree->setUniformRowHeights(true);
  m_tree->setAlternatingRowColors(true);
  m_tree->header()->setSectionResizeMode(CatalogTreeModel::NameColumn, QHeaderView::Interactive);
  m_tree->header()->resizeSection(CatalogTreeModel::NameColumn, 260);
  m_tree->header()->setStretchLastSection(true);
  connect(m_tree->selectionModel(), &QItemSelectionModel::currentChanged, this, &SchemaBrowserPage::onCurrentChanged);

  auto* left = new QWidget;
  auto* leftLayout = new QVBoxLayout(left);
  leftLayout->setContentsMargins(0, 0, 0, 0);
  leftLayout->addWidget(m_filter);
  leftLayout->addWidget(m_tree, 1);
  m_detail = new ObjectDetailView;
  m_detail->setObjectName(QStringLiteral("objectDetail"));
  auto* split = new QSplitter(Qt::Horizontal);
  split->addWidget(left);
  split->addWidget(m_detail);
  split->setStretchFactor(0, 3);
  split->setStretchFactor(1, 2);
  layout->addWidget(split, 1);

  connect(m_load, &QPushButton::clicked, this, [this] { load(selectedRole()); });
  connect(m_role, &QComboBox::currentIndexChanged, this, [this] { showRole(selectedRole()); });
  connect(m_bridge, &EngineBridge::catalogLoaded, this, &SchemaBrowserPage::onLoaded);
}

preflight::Role SchemaBrowserPage::selectedRole() const { return static_cast<preflight::Role>(m_role->currentData().toInt()); }

std::shared_ptr<const model::Catalog> SchemaBrowserPage::catalog() const { return m_model->catalog(); }

void SchemaBrowserPage::load(preflight::Role role) {
  if (isLoading()) return;
  m_role->setCurrentIndex(m_role->findData(static_cast<int>(role)));
  connect::ConnectionSpec spec = m_specOf(role);
  if (spec.host.empty() && spec.socket.empty()) {
    m_status->setText(tr("The %1 connection is empty: fill it in on the Connections page first.")
                          .arg(role == preflight::Role::Source ? tr("source") : tr("target")));
    return;
  }
  introspect::IntrospectOptions what;
  for (const QString& s : m_schemas->text().split(QLatin1Char(','), Qt::SkipEmptyParts))
    if (!s.trimmed().isEmpty()) what.schemas.push_back(s.trimmed().toStdString());
  m_loadingRole = role;
  m_load->setEnabled(false);
  m_spinner->start();
  m_status->setStyleSheet(QString());
  m_status->setText(tr("Reading the catalog of %1…").arg(QString::fromStdString(spec.display())));
  m_resolving = true;
  m_clock.start();
  QPointer<SchemaBrowserPage> self(this);
  m_passwords->resolve(std::move(spec), [self, what](connect::ConnectionSpec resolved) {
    SchemaBrowserPage* page = self.data();  // a plain pointer: the compiler sees the null check
    if (page == nullptr) return;
    page->m_resolving = false;
    page->m_requestId = page->m_bridge->inspect(resolved, what);
  });
}

void SchemaBrowserPage::onLoaded(quint64 requestId, const CatalogOutcome& outcome) {
  if (requestId != m_requestId) return;
  m_requestId = 0;
  m_spinner->stop();
  m_load->setEnabled(true);
  const int i = slot(m_loadingRole);
  if (outcome.error) {
    m_statusText[static_cast<size_t>(i)] = QString::fromStdString(outcome.error->oneLine());
    m_status->setStyleSheet(QStringLiteral("color: %1;").arg(widgets::StatusIcon::color(widgets::StatusKind::Fail).name()));
    m_status->setText(m_statusText[static_cast<size_t>(i)]);
    emit loaded(false);
    return;
  }
  const auto& c = *outcome.catalog;
  QStringList names;
  for (const auto& s : c.schemas) names << QString::fromStdString(s.name);
  m_catalogs[static_cast<size_t>(i)] = outcome.catalog;
  m_statusText[static_cast<size_t>(i)] =
      tr("%1 %2 · %3: %4 %5, read in %6 s")
          .arg(QString::fromLatin1(model::engineDisplayName(c.engine)), QString::fromStdString(c.serverVersion.text),
               names.isEmpty() ? tr("no schemas") : names.join(QStringLiteral(", ")))
          .arg(c.tableCount())
          .arg(c.tableCount() == 1 ? tr("table") : tr("tables"))
          .arg(static_cast<double>(m_clock.elapsed()) / 1000.0, 0, 'f', 2);
  showRole(m_loadingRole);
  emit loaded(true);
}

void SchemaBrowserPage::showRole(preflight::Role role) {
  const auto i = static_cast<size_t>(slot(role));
  m_status->setStyleSheet(QString());
  m_model->setCatalog(m_catalogs[i]);
  m_detail->clearObject();
  if (!m_statusText[i].isEmpty()) m_status->setText(m_statusText[i]);
  // Show schemas and their groups; tables stay collapsed until asked for.
  m_tree->expandToDepth(1);
}

void SchemaBrowserPage::onCurrentChanged() {
  const QModelIndex current = m_proxy->mapToSource(m_tree->currentIndex());
  if (!current.isValid() || !m_model->catalog()) {
    m_detail->clearObject();
    return;
  }
  m_detail->showObject(*m_model->catalog(), CatalogTreeModel::refOf(current));
}

bool SchemaBrowserPage::selectByName(const QString& name, const QString& parentName) {
  const QModelIndexList hits =
      m_proxy->match(m_proxy->index(0, 0), Qt::DisplayRole, name, -1, Qt::MatchExactly | Qt::MatchRecursive);
  for (const QModelIndex& hit : hits) {
    if (!parentName.isEmpty()) {
      // parentName names the owning object (a table for a column): skip the group level.
      const QModelIndex owner = hit.parent().parent();
      if (owner.data().toString() != parentName) continue;
    }
    m_tree->scrollTo(hit);
    m_tree->setCurrentIndex(hit);
    return true;
  }
  return false;
}

}  // namespace ferry::app
